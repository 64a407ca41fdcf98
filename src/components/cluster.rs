//! "Cluster and server": the multi-master cluster (its name, each master
//! with its role and whether it can be reached, whether this server is
//! isolated, the agent), and the server (version, listeners, health). Each
//! of the eight services a server may lack or refuse on its own: that part
//! is greyed out, the rest stays.

use yew::prelude::*;

use crate::api::{gklm, Fetch, GklmConfig, Reply};
use crate::clock::{exact_time, hours_ago, now_ms};
use crate::components::card::{pill, placeholder, CardFrame, FrameParts};
use crate::components::gklm_card::{headline, GklmCardProps};
use crate::hooks::{
    telling_sign_in, use_announce, use_poll, use_render_count, use_status, use_unique_id,
};
use crate::lang::Language;
use crate::model::cluster_report::{ClusterReport, Part};
use crate::model::multimaster::AgentReading;
use crate::state::polled::Cadence;
use crate::state::status::StatusPart;
use crate::text::Text;
use crate::verdict::{self, Tone};

/// Reads the eight services at once; only when every one asks for a
/// sign-in is that the card's error (the session has ended).
async fn report(cfg: GklmConfig) -> Result<Reply<ClusterReport>, crate::api::ApiError> {
    let (name, isolation, masters, reachability, agent, version, system, health) = futures::join!(
        gklm::cluster_name(&Fetch, &cfg),
        gklm::node_isolation(&Fetch, &cfg),
        gklm::cluster_masters(&Fetch, &cfg),
        gklm::master_status(&Fetch, &cfg),
        gklm::agent_status(&Fetch, &cfg),
        gklm::version_info(&Fetch, &cfg),
        gklm::system_details(&Fetch, &cfg),
        gklm::health(&Fetch, &cfg),
    );
    let session_ended = [
        name.as_ref().err(),
        isolation.as_ref().err(),
        masters.as_ref().err(),
        reachability.as_ref().err(),
        agent.as_ref().err(),
        version.as_ref().err(),
        system.as_ref().err(),
        health.as_ref().err(),
    ];
    if session_ended
        .iter()
        .all(|e| e.is_some_and(|e| e.is_sign_in_needed()))
    {
        if let Some(Some(error)) = session_ended.first() {
            return Err((*error).clone());
        }
    }
    let content_language = version
        .as_ref()
        .ok()
        .and_then(|r| r.content_language.clone());
    Ok(Reply {
        value: ClusterReport {
            name: Part::from_result(name),
            isolation: Part::from_result(isolation),
            masters: Part::from_result(masters),
            reachability: Part::from_result(reachability),
            agent: Part::from_result(agent),
            version: Part::from_result(version),
            system: Part::from_result(system),
            health: Part::from_result(health),
        },
        content_language,
    })
}

#[component]
pub fn Cluster(props: &GklmCardProps) -> Html {
    let renders = use_render_count();
    let heading_id = use_unique_id("card");
    let lang = props.lang;
    let polled = use_poll(
        props.gklm.clone(),
        props.every_ms,
        |_: &ClusterReport| Cadence::Normal,
        None,
        telling_sign_in(props.on_sign_in_needed.clone(), report),
    );
    let frame = FrameParts::of(&polled, props.gklm.is_none(), lang);
    let verdict = frame.reading.map(|r| verdict::cluster(r.value.reading()));
    use_announce(headline(Text::ClusterAndServer, &frame, verdict, lang));
    use_status(
        frame
            .reading
            .map(|r| StatusPart::ClusterNodesDown(r.value.masters_down().map(|n| n as u32))),
    );
    let state = frame
        .state
        .or(verdict.map(|v| v.state))
        .unwrap_or("loading");
    let content = match (frame.reading, verdict) {
        (Some(reading), Some(v)) => html! {
            <>
                { pill(v.tone, v.label.get(lang), None) }
                { facts(&reading.value, lang) }
                { masters(&reading.value, lang) }
            </>
        },
        _ => placeholder(state, lang),
    };
    CardFrame {
        name: "cluster",
        title: Text::ClusterAndServer,
        state,
        lang,
        renders,
        status: frame.status(&polled.checked),
        heading_id,
    }
    .with(content)
}

/// One fact: its words, or why the part is greyed out.
fn fact<T>(
    name: &'static str,
    label: Text,
    part: &Part<T>,
    lang: Language,
    show: impl FnOnce(&T) -> Html,
) -> Html {
    fact_row(name, label, part.map(show), lang)
}

/// [`fact`] once drawn (compiled once, not for each part's type).
#[inline(never)]
fn fact_row(name: &'static str, label: Text, part: Part<Html>, lang: Language) -> Html {
    let (value, state) = match part {
        Part::Shown(value) => (value, "shown"),
        Part::NotOffered => (html! { { Text::NotOffered.get(lang) } }, "not-offered"),
        Part::NotAllowed => (html! { { Text::NotAllowed.get(lang) } }, "not-allowed"),
        Part::Failed(error) => (html! { { error.describe(lang) } }, "error"),
    };
    html! {
        <>
            <dt>{ label.get(lang) }</dt>
            <dd data-kw={name} data-state={state} class={classes!((state != "shown").then_some("kw-muted"))}>{ value }</dd>
        </>
    }
}

fn mark(ok: bool) -> Html {
    let tone = if ok { Tone::Good } else { Tone::Bad };
    html! { <span class={classes!("kw-icon", tone.class())} aria-hidden="true">{ tone.icon() }</span> }
}

fn facts(report: &ClusterReport, lang: Language) -> Html {
    let cluster_name = report.cluster_name().map(str::to_owned);
    let in_cluster = report.in_cluster();
    // A standalone server has no cluster to be cut off from and no agent
    // to keep it in one: those rows are left out where they say nothing
    // (or the service is not offered), but not when they say otherwise or
    // could not be read.
    let isolation_row = in_cluster
        || match &report.isolation {
            Part::Shown(i) => i.isolated == Some(true),
            Part::NotOffered => false,
            Part::NotAllowed | Part::Failed(_) => true,
        };
    let agent_row = in_cluster
        || match &report.agent {
            Part::Shown(a) => a.reading() != AgentReading::Unknown,
            Part::NotOffered => false,
            Part::NotAllowed | Part::Failed(_) => true,
        };
    // A cluster whose name no service gave (GKLM 4.2 lists its masters but
    // has no getClusterName): why, as for any other part, not "Not in a
    // cluster" above a list of masters.
    let name = match (in_cluster, cluster_name) {
        (false, _) => Part::Shown(Html::from(Text::NotInCluster.get(lang))),
        (true, Some(name)) => Part::Shown(Html::from(name)),
        (true, None) => report.name.map(|_| Html::from("–")),
    };
    html! {
        <dl class="kw-facts" data-kw="facts">
            { fact_row("cluster-name", Text::ClusterName, name, lang) }
            if isolation_row { { fact("isolation", Text::ThisServer, &report.isolation, lang, |i| {
                let word = match i.isolated {
                    Some(true) => Text::IsolatedWord.get(lang).to_owned(),
                    Some(false) => Text::ConnectedWord.get(lang).to_owned(),
                    None => i.isolated_raw.clone().unwrap_or_default(),
                };
                html! { <>{ i.role.clone().map(|r| format!("{r} · ")).unwrap_or_default() }{ word }</> }
            }) } }
            if agent_row { { fact("agent", Text::AgentLabel, &report.agent, lang, |a| {
                let ok = a.reading() == AgentReading::Running;
                html! {
                    <>
                        if a.reading() != AgentReading::Unknown { { mark(ok) } }
                        { a.status.clone().unwrap_or_else(|| "–".to_owned()) }
                        if let Some(at) = a.last_available {
                            { " · " }{ Text::LastContact.get(lang) }{ " " }
                            <time title={exact_time(at.unix_millis() as f64, lang)}>
                                { hours_ago(at.unix_millis() as f64, now_ms(), lang) }
                            </time>
                        } else if let Some(raw) = &a.last_available_raw {
                            { " · " }{ Text::LastContact.get(lang) }{ " " }{ raw.clone() }
                        }
                    </>
                }
            }) } }
            { fact("version", Text::VersionLabel, &report.version, lang, |v| html! {
                <>{ v.version().unwrap_or("–").to_owned() }
                    if let Some(build) = v.build() { { format!(" ({build})") } }</>
            }) }
            { fact("listeners", Text::ListenersLabel, &report.system, lang, |s| {
                let listeners = [
                    ("TCP", s.tcp_transports_initialized, s.tcp_port.as_deref()),
                    ("TLS", s.tls_transports_initialized.filter(|_| s.tls_configured != Some(false)), s.tls_port.as_deref()),
                    ("KMIP", s.kmip_up(), s.kmip_tls_port.as_deref()),
                ];
                html! {
                    <ul class="kw-inline">
                        { for listeners.into_iter().filter_map(|(name, up, port)| up.map(|up| html! {
                            <li data-kw="listener" data-state={if up { "up" } else { "down" }}>
                                { mark(up) }{ name }{ port.map(|p| format!(" :{p}")).unwrap_or_default() }
                            </li>
                        })) }
                    </ul>
                }
            }) }
            { fact("health", Text::HealthLabel, &report.health, lang, |h| {
                let unhealthy: Vec<String> = h.unhealthy().iter().map(|c| c.component.clone()).collect();
                html! {
                    <>
                        if let Some(ok) = h.overall { { mark(ok) }{ if ok { Text::HealthyWord } else { Text::UnhealthyWord }.get(lang) } }
                        if !unhealthy.is_empty() { { format!(" ({})", unhealthy.join(", ")) } }
                    </>
                }
            }) }
        </dl>
    }
}

fn masters(report: &ClusterReport, lang: Language) -> Html {
    let rows = report.rows();
    if rows.len() < 2 {
        return Html::default();
    }
    html! {
        <div class="kw-table-wrap" tabindex="0" role="region" aria-label={Text::MasterColumn.get(lang)}>
        <table class="kw-table" data-kw="masters">
            <thead>
                <tr>
                    <th scope="col">{ Text::MasterColumn.get(lang) }</th>
                    // Reachable or not before the role: in a narrow card it
                    // shows before the frame scrolls.
                    <th scope="col">{ Text::ReachableColumn.get(lang) }</th>
                    <th scope="col">{ Text::RoleColumn.get(lang) }</th>
                </tr>
            </thead>
            <tbody>
                { for rows.iter().map(|row| {
                    let (tone, word, state) = verdict::master_state(row.state);
                    html! {
                        <tr data-kw="master" data-state={state}>
                            <th scope="row">
                                { row.name.clone().unwrap_or_default() }
                                if row.name.is_some() { { " " } }
                                <span class="kw-muted">{ row.address.clone() }</span>
                            </th>
                            <td>
                                <span class={classes!("kw-badge", tone.class())}>
                                    <span class="kw-icon" aria-hidden="true">{ tone.icon() }</span>
                                    { word.get(lang) }
                                </span>
                            </td>
                            <td>{ row.role.clone() }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
    }
}
