//! View state as reducers: `(State, Action) -> State`, tested natively.

pub mod event_list;
pub mod polled;
pub mod row_window;
pub mod session;
pub mod status;
pub mod sync_view;
