//! Running programs, and saying clearly which one failed.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A task failure, with a sentence that says what to do.
#[derive(Debug)]
pub struct Fail(pub String);

pub fn command(program: &Path) -> Command {
    Command::new(program)
}

pub fn cargo_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args);
    cmd
}

pub fn cargo(args: &[&str]) -> Result<(), Fail> {
    run(
        &mut cargo_command(args),
        &format!("cargo {}", args.join(" ")),
    )
}

pub fn run(cmd: &mut Command, what: &str) -> Result<(), Fail> {
    let status = cmd
        .status()
        .map_err(|e| Fail(format!("could not start {what}: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Fail(format!("{what} failed ({status})")))
    }
}

/// Runs a command with its output (both streams) going to `log` instead of
/// the terminal.
pub fn run_logged(cmd: &mut Command, what: &str, log: &Path) -> Result<(), Fail> {
    if let Some(folder) = log.parent() {
        let _ = std::fs::create_dir_all(folder);
    }
    let out = std::fs::File::create(log)
        .map_err(|e| Fail(format!("cannot write {}: {e}", log.display())))?;
    let err = out
        .try_clone()
        .map_err(|e| Fail(format!("cannot write {}: {e}", log.display())))?;
    run(cmd.stdout(out).stderr(err), what)
}

/// Runs a command and returns its standard output, or `None` when it cannot
/// run or fails: for asking a tool its version.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A server started for the tests, stopped when dropped.
pub struct Background {
    child: Child,
    /// Asked to end with SIGTERM first: nginx's master, killed outright,
    /// would leave its workers listening.
    gently: bool,
}

impl Background {
    /// Starts the command (`what` names it in messages), its output going to
    /// `log`, and waits until `addr` accepts connections.
    pub fn start(cmd: &mut Command, what: &str, addr: &str, log: &Path) -> Result<Self, Fail> {
        let sock: SocketAddr = addr
            .parse()
            .map_err(|_| Fail(format!("{addr} is not an address")))?;
        if TcpStream::connect_timeout(&sock, Duration::from_millis(200)).is_ok() {
            return Err(Fail(format!(
                "something already listens on {addr}; stop it, the tests start {what} there"
            )));
        }
        let out = std::fs::File::create(log)
            .map_err(|e| Fail(format!("cannot write {}: {e}", log.display())))?;
        let err = out
            .try_clone()
            .map_err(|e| Fail(format!("cannot write {}: {e}", log.display())))?;
        let child = cmd
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| Fail(format!("could not start {what}: {e}")))?;
        let mut server = Background {
            child,
            gently: false,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(Fail(format!(
                    "{what} exited at start-up ({status}); see {}",
                    log.display()
                )));
            }
            if TcpStream::connect_timeout(&sock, Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        server.stop();
        Err(Fail(format!("{what} did not listen on {addr} within 30 s")))
    }

    /// Ends it with SIGTERM (then, after 5 s, SIGKILL) instead of SIGKILL.
    pub fn ended_gently(mut self) -> Self {
        self.gently = true;
        self
    }

    fn stop(&mut self) {
        if self.gently {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}
