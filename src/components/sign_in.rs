//! The sign-in form a server's cards need when it asks for one.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::lang::Language;
use crate::state::session::SessionStatus;
use crate::text::Text;

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// The heading, naming the server.
    pub title: AttrValue,
    /// Why the form is shown, and whether a sign-in is under way.
    pub status: SessionStatus,
    pub lang: Language,
    /// Stable name for hosts and tests (`data-kw`).
    #[prop_or(AttrValue::Static("sign-in"))]
    pub name: AttrValue,
    /// The label of the name field.
    #[prop_or(Text::UserId)]
    pub user_label: Text,
    /// What the form says after the person signed out.
    #[prop_or(Text::SignedOut)]
    pub signed_out: Text,
    /// The domain field's first value, for a server that has domains
    /// (CipherTrust Manager); `None` shows no such field.
    #[prop_or_default]
    pub domain: Option<AttrValue>,
    /// Told the user ID, the password and the domain (empty: none, or the
    /// root domain) when the person signs in.
    pub on_sign_in: Callback<Typed>,
}

/// What the person typed: user, password, domain.
pub type Typed = (String, String, String);

#[component]
pub fn SignIn(props: &SignInProps) -> Html {
    let user = use_node_ref();
    let password = use_node_ref();
    let domain = use_node_ref();
    let lang = props.lang;
    let busy = props.status == SessionStatus::SigningIn;

    let onsubmit = {
        let (user, password, domain) = (user.clone(), password.clone(), domain.clone());
        let on_sign_in = props.on_sign_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (u, p, d) = (value(&user), value(&password), value(&domain));
            if !u.trim().is_empty() && !p.is_empty() {
                // The password field is emptied at once: it lives no longer than the request.
                if let Some(input) = password.cast::<HtmlInputElement>() {
                    input.set_value("");
                }
                on_sign_in.emit((u.trim().to_string(), p, d.trim().to_string()));
            }
        })
    };

    // A first request for a sign-in is routine; a refused sign-in or an
    // ended session is news, announced at once.
    let reason = match &props.status {
        SessionStatus::SignInRequired(e) => Some((e.describe_first_ask(lang), false)),
        SessionStatus::SignedOut => Some((props.signed_out.get(lang).to_owned(), false)),
        SessionStatus::SignInFailed(e) | SessionStatus::Expired(e) => {
            Some((e.describe(lang), true))
        }
        _ => None,
    };

    html! {
        <form class="kw-sign-in" data-kw={props.name.clone()} aria-label={props.title.clone()} {onsubmit}>
            <h3 class="kw-card-title">{ props.title.clone() }</h3>
            if let Some((reason, urgent)) = reason {
                <p
                    class={if urgent { "kw-error" } else { "kw-note" }}
                    role={urgent.then_some("alert")}
                    data-kw="sign-in-reason"
                >
                    { reason }
                </p>
            }
            <label>
                <span>{ props.user_label.get(lang) }</span>
                <input ref={user} name="userid" autocomplete="username" required=true disabled={busy} />
            </label>
            <label>
                <span>{ Text::Password.get(lang) }</span>
                <input ref={password} name="password" type="password" autocomplete="current-password" required=true disabled={busy} />
            </label>
            if let Some(value) = props.domain.clone() {
                <label>
                    <span>{ Text::Domain.get(lang) }</span>
                    <input ref={domain} name="domain" {value} placeholder="root" autocomplete="off" spellcheck="false" disabled={busy} />
                </label>
            }
            <button type="submit" disabled={busy}>
                { if busy { Text::SigningIn.get(lang) } else { Text::SignIn.get(lang) } }
            </button>
            <p class="kw-muted kw-hint">{ Text::SignInHint.get(lang) }</p>
        </form>
    }
}
