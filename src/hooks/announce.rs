//! One live region for the whole panel: cards say what changed, the panel
//! announces it (politely, or at once for a new failure).

use yew::prelude::*;

/// A sentence for screen readers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    pub text: String,
    /// A new failure: announced assertively.
    pub urgent: bool,
}

/// What the panel gives cards to announce with.
#[derive(Clone, PartialEq)]
pub struct Announcer(pub Callback<Announcement>);

/// Announces `now` whenever it changes after the card's first reading, so
/// that opening the panel is not read out card by card.
#[hook]
pub fn use_announce(now: Option<Announcement>) {
    let announcer = use_context::<Announcer>();
    let first = use_mut_ref(|| true);
    use_effect_with(now, move |now| {
        if let Some(now) = now {
            let was_first = std::mem::replace(&mut *first.borrow_mut(), false);
            if !was_first {
                if let Some(Announcer(announce)) = announcer {
                    announce.emit(now.clone());
                }
            }
        }
    });
}
