//! CORS for the configured origins only. Written out here rather than taken
//! from tower-http's `CorsLayer`: axum clones a layered route for every
//! request, and the layer's lists and its `Vary` value were copied and
//! rebuilt each time. The headers are the ones `CorsLayer` sent with the
//! same settings, byte for byte.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

/// `Vary` on every answer that passes the CORS check, whatever the origin.
fn vary() -> HeaderValue {
    HeaderValue::from_static(
        "origin, access-control-request-method, access-control-request-headers",
    )
}

fn yes() -> HeaderValue {
    HeaderValue::from_static("true")
}

/// Origins are listed by name, so credentials never come with a wildcard;
/// an origin that is not listed sees no CORS header at all.
pub struct Cors {
    origins: Vec<HeaderValue>,
    allow_credentials: bool,
}

impl Cors {
    pub fn new(origins: &[String], allow_credentials: bool) -> Result<Self, String> {
        let origins = origins
            .iter()
            .map(|origin| {
                HeaderValue::from_str(origin.trim_end_matches('/'))
                    .map_err(|_| format!("allowed origin {origin:?} is not a valid header value"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Cors {
            origins,
            allow_credentials,
        })
    }

    /// The request's `Origin`, when it is one of the listed ones.
    pub fn listed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        self.origins.contains(origin).then(|| origin.clone())
    }

    /// The answer to a preflight for a request the allowlist would forward.
    pub fn preflight(&self, origin: Option<HeaderValue>) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(header::VARY, vary());
        if let Some(origin) = origin {
            if self.allow_credentials {
                headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, yes());
            }
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET,POST,DELETE,OPTIONS"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization,content-type,accept,accept-language"),
            );
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(600u32));
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        response
    }

    /// CORS headers on an answer: `Vary` always, the rest for a listed origin.
    pub fn decorate(&self, origin: Option<HeaderValue>, response: &mut Response) {
        let headers = response.headers_mut();
        headers.append(header::VARY, vary());
        if let Some(origin) = origin {
            if self.allow_credentials {
                headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, yes());
            }
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("content-language"),
            );
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use axum::http::{Method, Request};
    use tower::{Service, ServiceExt};
    use tower_http::cors::{AllowOrigin, CorsLayer};

    /// What tower-http's layer sent with the settings the proxy used, minus
    /// the CORS headers the proxy then removed for an unlisted origin.
    async fn tower_http(method: Method, origin: Option<&str>, credentials: bool) -> HeaderMap {
        let layer = CorsLayer::new()
            .allow_origin(AllowOrigin::list([HeaderValue::from_static(
                "https://ops.example.internal",
            )]))
            .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
            ])
            .expose_headers([header::CONTENT_LANGUAGE])
            .allow_credentials(credentials)
            .max_age(Duration::from_secs(600));
        let mut service =
            tower::ServiceBuilder::new()
                .layer(layer)
                .service_fn(|_: Request<Body>| async {
                    Ok::<_, std::convert::Infallible>(Response::new(Body::empty()))
                });
        let mut request = Request::builder().method(method);
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let request = request
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .body(Body::empty())
            .unwrap();
        let mut response = service.ready().await.unwrap().call(request).await.unwrap();
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
        response.headers().clone()
    }

    fn ours(method: &Method, origin: Option<&str>, credentials: bool) -> HeaderMap {
        let cors = Cors::new(&["https://ops.example.internal/".to_string()], credentials).unwrap();
        let mut request = HeaderMap::new();
        if let Some(origin) = origin {
            request.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        let listed = cors.listed_origin(&request);
        if method == Method::OPTIONS {
            cors.preflight(listed).headers().clone()
        } else {
            let mut response = Response::new(Body::empty());
            cors.decorate(listed, &mut response);
            response.headers().clone()
        }
    }

    #[tokio::test]
    async fn the_same_headers_as_tower_http_sent() {
        for method in [Method::GET, Method::POST, Method::DELETE, Method::OPTIONS] {
            for origin in [
                None,
                Some("https://ops.example.internal"),
                Some("https://evil.example"),
                Some("https://OPS.example.internal"),
            ] {
                for credentials in [false, true] {
                    let theirs = tower_http(method.clone(), origin, credentials).await;
                    let ours = ours(&method, origin, credentials);
                    let sorted = |h: &HeaderMap| {
                        let mut v: Vec<(String, Vec<u8>)> = h
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                            .collect();
                        v.sort();
                        v
                    };
                    assert_eq!(
                        sorted(&ours),
                        sorted(&theirs),
                        "{method} from {origin:?}, credentials {credentials}"
                    );
                }
            }
        }
    }
}
