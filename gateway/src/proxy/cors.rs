use std::time::Duration;

use axum::http::{header, HeaderValue, Method};
use axum::response::Response;
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
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
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

/// `CorsLayer` adds `Access-Control-Expose-Headers` (and `Vary`) whatever the
/// origin; an origin that is not listed must see no CORS header at all, so
/// this strips them from any answer that does not allow the origin.
pub fn none_for_unlisted_origins(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        let cors: Vec<_> = headers
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-"))
            .cloned()
            .collect();
        for name in cors {
            headers.remove(name);
        }
    }
    response
}
