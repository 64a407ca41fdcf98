//! A pulse: one part of the panel tells others "look now" (the refresh
//! control, a backup run that ended) without re-rendering anything.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;

#[derive(Clone, Default)]
pub struct Pulse(Rc<RefCell<Vec<oneshot::Sender<()>>>>);

impl Pulse {
    /// Wakes everyone waiting now.
    pub fn fire(&self) {
        for waiter in self.0.borrow_mut().drain(..) {
            let _ = waiter.send(());
        }
    }

    /// Resolves at the next [`Pulse::fire`]. Dropping it forgets the wait.
    pub fn next(&self) -> impl std::future::Future<Output = ()> + 'static {
        let (tx, rx) = oneshot::channel();
        let mut waiters = self.0.borrow_mut();
        waiters.retain(|w| !w.is_canceled());
        waiters.push(tx);
        async move {
            let _ = rx.await;
        }
    }
}

/// The same pulse is equal to itself only: a component holding one does not
/// re-render when its parent does.
impl PartialEq for Pulse {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Pulse;
    use futures::executor::block_on;
    use futures::future::{select, Either};
    use futures::FutureExt;

    #[test]
    fn fire_wakes_every_waiter_and_only_those_waiting() {
        let pulse = Pulse::default();
        let (a, b) = (pulse.next(), pulse.next());
        pulse.fire();
        block_on(a);
        block_on(b);
        let late = pulse.next().boxed_local();
        let unfired = select(late, futures::future::ready(())).now_or_never();
        assert!(
            matches!(unfired, Some(Either::Right(_))),
            "woken without a fire"
        );
    }

    #[test]
    fn dropped_waits_are_forgotten() {
        let pulse = Pulse::default();
        for _ in 0..100 {
            drop(pulse.next());
        }
        let _kept = pulse.next();
        assert_eq!(pulse.0.borrow().len(), 1);
        assert!(pulse != Pulse::default());
        assert!(pulse == pulse.clone());
    }
}
