//! The page's visibility: polling pauses while the page is hidden.

/// True while the page is hidden (another tab, a minimised window).
pub fn page_hidden() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        false
    }
}

/// Resolves at the page's next `visibilitychange`.
pub async fn visibility_change() {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return futures::future::pending().await;
        };
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        let mut tx = Some(tx);
        // The listener is removed when this future ends or is dropped.
        let _listener = gloo_events::EventListener::new(&document, "visibilitychange", move |_| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
        });
        let _ = rx.await;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        futures::future::pending::<()>().await
    }
}
