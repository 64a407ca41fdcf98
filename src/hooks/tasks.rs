//! One task at a time per slot: a sign-in, a sign-out, a token refresh.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};
use yew::prelude::*;

pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Starts a task in a slot.
pub type Run = Rc<dyn Fn(Task)>;

/// Runs tasks one at a time: a new one aborts the one before, and the last
/// is aborted when the component goes away.
#[hook]
pub fn use_task_slot() -> Run {
    let slot = use_mut_ref(|| None::<AbortHandle>);
    {
        let slot = slot.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(task) = slot.borrow_mut().take() {
                    task.abort();
                }
            }
        });
    }
    Rc::new(runner(slot))
}

fn runner(slot: Rc<RefCell<Option<AbortHandle>>>) -> impl Fn(Task) + Clone {
    move |work: Task| {
        let (handle, registration) = AbortHandle::new_pair();
        if let Some(previous) = slot.borrow_mut().replace(handle) {
            previous.abort();
        }
        yew::platform::spawn_local(async move {
            let _ = Abortable::new(work, registration).await;
        });
    }
}
