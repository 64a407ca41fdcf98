use std::path::PathBuf;

/// How `keywatch-gateway demo` runs.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub dist: PathBuf,
    pub seed: u64,
    pub user: String,
    pub password: String,
    /// Simulated seconds per real second; 0 freezes the clock for tests.
    pub time_scale: f64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            dist: PathBuf::from("dist"),
            seed: 1,
            user: "kwdemo".to_string(),
            password: "kwdemo".to_string(),
            time_scale: 1.0,
        }
    }
}
