//! Faults injected by `/_sim/faults`, applied before the simulated servers see
//! the request.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::gklm::gklm_message_error;
use super::language::{GklmMessage, Lang};
use super::DemoState;
use crate::server::DropConnection;
use crate::sim::faults::{Fault, FaultKind};

const HUGE_BODY_BYTES: usize = 20 * 1024 * 1024;

pub async fn inject_faults(
    State(state): State<DemoState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let server = if path.starts_with("/api/") {
        Server::CipherTrust
    } else if path.starts_with("/SKLM/") || path.starts_with("/GKLM/") {
        Server::Gklm
    } else {
        return next.run(request).await;
    };
    let Some(fault) = state.sim().faults.take(path) else {
        return next.run(request).await;
    };
    tracing::info!(path, kind = ?fault.kind, "injecting a fault");
    let lang = Lang::from_headers(request.headers());
    if fault.kind == FaultKind::Latency {
        tokio::time::sleep(Duration::from_millis(fault.ms)).await;
        return next.run(request).await;
    }
    fault_response(fault, server, lang)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    Gklm,
    CipherTrust,
}

fn fault_response(fault: Fault, server: Server, lang: Lang) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    match fault.kind {
        FaultKind::Latency => StatusCode::OK.into_response(),
        FaultKind::Drop => {
            let mut response = StatusCode::OK.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
        FaultKind::Status => match server {
            Server::Gklm => gklm_message_error(lang, status, GklmMessage::ServerError),
            Server::CipherTrust => cckm_error(
                status,
                match status {
                    // As an older server without the path answers.
                    StatusCode::NOT_FOUND => "NCERRResourceNotFound",
                    StatusCode::SERVICE_UNAVAILABLE => "NCERRServiceUnavailable",
                    _ => "NCERRInternalServerError",
                },
                &match status {
                    // Thales' own sentence for a path the server lacks.
                    StatusCode::NOT_FOUND => "Resource not found".to_owned(),
                    _ => format!("{} (simulated fault)", reason(status)),
                },
            ),
        },
        FaultKind::Html => (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
            nginx_error_page(status),
        )
            .into_response(),
        FaultKind::Malformed => json_bytes(
            StatusCode::OK,
            Bytes::from_static(b"{\"code\":\"0\",\"status\":\"Operation succ"),
        ),
        FaultKind::ExpiredSession => match server {
            Server::Gklm => gklm_message_error(
                lang,
                StatusCode::UNAUTHORIZED,
                GklmMessage::NotAuthenticated,
            ),
            Server::CipherTrust => cckm_error(
                StatusCode::UNAUTHORIZED,
                "NCERRUnauthorized",
                "Unauthorized: Bearer token malformed: Token is expired by 50s",
            ),
        },
        FaultKind::SessionInMessage => match server {
            Server::Gklm => {
                let text =
                    crate::routes::language::gklm_message(GklmMessage::NotAuthenticated, lang);
                let code = text.split(' ').next().unwrap_or_default().to_string();
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"messageId": code, "message": text})),
                )
                    .into_response()
            }
            Server::CipherTrust => cckm_error(
                StatusCode::UNAUTHORIZED,
                "NCERRUnauthorized",
                "Unauthorized: Bearer token malformed: Token is expired by 50s",
            ),
        },
        FaultKind::Huge => json_bytes(StatusCode::OK, huge_json()),
    }
}

/// The error body CipherTrust Manager sends, in Thales' own shape:
/// `{"code": 16, "codeDesc": "NCERRResourceNotFound: Resource not found"}`,
/// the code word before the `:`, the sentence after it, and no `message`.
pub fn cckm_error(status: StatusCode, code_word: &str, sentence: &str) -> Response {
    (
        status,
        axum::Json(json!({
            "code": cckm_code(code_word),
            "codeDesc": format!("{code_word}: {sentence}"),
        })),
    )
        .into_response()
}

/// The number beside a code word: 16 and 14 as in Thales' own test fakes;
/// the others are the simulator's guesses (5 for an unauthorized request as
/// a third-party fake of CM 2.22 has it).
fn cckm_code(code_word: &str) -> u32 {
    match code_word {
        "NCERRResourceNotFound" => 16,
        "NCERRInternalServerError" => 14,
        "NCERRUnauthorized" => 5,
        "NCERRInvalidParamValue" | "NCERRBadRequest" => 3,
        "NCERRServiceUnavailable" => 15,
        _ => 1,
    }
}

fn json_bytes(status: StatusCode, body: Bytes) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        Body::from(body),
    )
        .into_response()
}

fn reason(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    )
}

fn nginx_error_page(status: StatusCode) -> String {
    let title = reason(status);
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// Valid JSON of about 20 MiB, made once.
fn huge_json() -> Bytes {
    static HUGE: OnceLock<Bytes> = OnceLock::new();
    HUGE.get_or_init(|| {
        let head = b"{\"code\":\"0\",\"status\":\"Operation succeeded\",\"padding\":\"";
        let mut body = Vec::with_capacity(HUGE_BODY_BYTES + 64);
        body.extend_from_slice(head);
        body.resize(HUGE_BODY_BYTES, b'x');
        body.extend_from_slice(b"\"}");
        Bytes::from(body)
    })
    .clone()
}
