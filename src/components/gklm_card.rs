//! What every GKLM card is given, and how it announces what it shows.

use yew::prelude::*;

use crate::api::error::ApiError;
use crate::api::GklmConfig;
use crate::components::card::FrameParts;
use crate::hooks::Announcement;
use crate::lang::Language;
use crate::text::{Message, Text};
use crate::verdict::{Tone, Verdict};

#[derive(Properties, PartialEq)]
pub struct GklmCardProps {
    /// Where and how to ask GKLM, with the session in use; `None` while the
    /// panel waits for a sign-in, which pauses the card.
    pub gklm: Option<GklmConfig>,
    pub lang: Language,
    /// Milliseconds between two checks while all is well.
    pub every_ms: u32,
    /// Told when GKLM wants a sign-in, with the credential it refused.
    #[prop_or_default]
    pub on_sign_in_needed: Callback<(Option<String>, ApiError)>,
    /// How old the last backup may be before "Last backup" warns (hours).
    #[prop_or(crate::config::DEFAULT_BACKUP_MAX_AGE_HOURS)]
    pub backup_max_age_hours: u32,
}

/// What the live region says when a card changes: its verdict, or its error
/// (assertively: a new failure is news).
pub fn headline<T>(
    card: Text,
    frame: &FrameParts<'_, T>,
    verdict: Option<Verdict>,
    lang: Language,
) -> Option<Announcement> {
    if let Some(error) = &frame.error {
        return Some(Announcement {
            text: Message::CardNow { card, now: error }.get(lang),
            urgent: true,
        });
    }
    let verdict = verdict.filter(|_| frame.state.is_none())?;
    Some(Announcement {
        text: Message::CardNow {
            card,
            now: verdict.label.get(lang),
        }
        .get(lang),
        urgent: verdict.tone == Tone::Bad,
    })
}
