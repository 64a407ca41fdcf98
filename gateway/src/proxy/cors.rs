use std::time::Duration;

use axum::http::{header, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// CORS for the configured origins only; other origins get no CORS headers,
/// and credentials never come with a wildcard (origins are listed by name).
pub fn layer(origins: &[String], allow_credentials: bool) -> Result<CorsLayer, String> {
    let origins = origins
        .iter()
        .map(|origin| {
            HeaderValue::from_str(origin.trim_end_matches('/'))
                .map_err(|_| format!("allowed origin {origin:?} is not a valid header value"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
        ])
        .expose_headers([header::CONTENT_LANGUAGE])
        .allow_credentials(allow_credentials)
        .max_age(Duration::from_secs(600)))
}
