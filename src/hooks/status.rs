//! Cards tell the panel their part of the summary a host may show as a
//! badge; the panel tells the host only when the summary changes.

use yew::prelude::*;

use crate::state::status::StatusPart;

/// What the panel gives cards to report with.
#[derive(Clone, PartialEq)]
pub struct StatusBoard(pub Callback<StatusPart>);

/// Reports `part` whenever it changes.
#[hook]
pub fn use_status(part: Option<StatusPart>) {
    let board = use_context::<StatusBoard>();
    use_effect_with(part, move |part| {
        if let (Some(part), Some(StatusBoard(report))) = (part, board) {
            report.emit(part.clone());
        }
    });
}
