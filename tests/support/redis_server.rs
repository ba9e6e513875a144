//! A private `redis-server` for one test: started on a free loopback port or a unix socket in a
//! temporary directory, with persistence off, and killed on drop. Tests never touch a server
//! someone else uses.
//!
//! When `redis-server` is not installed, [`RedisServer::start`] prints
//! "skipped: redis-server not installed" and returns `None`, so the test returns early; when the
//! `CI` environment variable is set it panics instead, so CI cannot pass without running them.

#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a server may take to answer after it was started.
const STARTUP: Duration = Duration::from_secs(10);

pub struct RedisServer {
    child: Child,
    dir: TempDir,
    /// A URL for the store (`redis://127.0.0.1:PORT` or `redis+unix:///…/redis.sock`), without a
    /// password even when the server requires one.
    pub url: String,
    /// The TCP port, when the server listens on one.
    pub port: Option<u16>,
    /// The unix socket, when the server listens on one.
    pub socket: Option<PathBuf>,
}

/// Whether `redis-server` can run here; panics under CI when it cannot.
pub fn redis_available() -> bool {
    let installed = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !installed {
        if std::env::var_os("CI").is_some() {
            panic!("redis-server is not installed, and CI is set: the Redis tests must run");
        }
        eprintln!("skipped: redis-server not installed");
    }
    installed
}

impl RedisServer {
    /// A server on a free loopback port.
    pub fn start() -> Option<RedisServer> {
        Self::start_with(&[])
    }

    /// A server on a free loopback port, with extra `redis-server` arguments
    /// (`["--requirepass", "pw"]`).
    pub fn start_with(extra: &[&str]) -> Option<RedisServer> {
        if !redis_available() {
            return None;
        }
        // The port is free when we look; another process may take it before the server binds,
        // so try a few times.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|listener| listener.local_addr())
            {
                Ok(addr) => addr.port(),
                Err(err) => panic!("cannot find a free port: {err}"),
            };
            let port_text = port.to_string();
            let mut args = vec!["--port", &port_text, "--bind", "127.0.0.1"];
            args.extend_from_slice(extra);
            match Self::spawn(&args, format!("redis://127.0.0.1:{port}"), Some(port), None) {
                Ok(server) => return Some(server),
                Err(err) => last_error = err,
            }
        }
        panic!("cannot start redis-server: {last_error}");
    }

    /// A server listening only on a unix socket in a temporary directory.
    pub fn start_unix() -> Option<RedisServer> {
        if !redis_available() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("tempdir: {err}"));
        let socket = dir.path().join("redis.sock");
        let socket_text = socket.to_string_lossy().into_owned();
        let args = [
            "--port",
            "0",
            "--unixsocket",
            &socket_text,
            "--unixsocketperm",
            "700",
        ];
        let url = format!("redis+unix://{socket_text}");
        match Self::spawn_in(dir, &args, url, None, Some(socket)) {
            Ok(server) => Some(server),
            Err(err) => panic!("cannot start redis-server: {err}"),
        }
    }

    fn spawn(
        args: &[&str],
        url: String,
        port: Option<u16>,
        socket: Option<PathBuf>,
    ) -> Result<RedisServer, String> {
        let dir = tempfile::tempdir().map_err(|err| format!("tempdir: {err}"))?;
        Self::spawn_in(dir, args, url, port, socket)
    }

    fn spawn_in(
        dir: TempDir,
        args: &[&str],
        url: String,
        port: Option<u16>,
        socket: Option<PathBuf>,
    ) -> Result<RedisServer, String> {
        let log = dir.path().join("redis.log");
        let child = Command::new("redis-server")
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path())
            .arg("--logfile")
            .arg(&log)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("spawn: {err}"))?;
        let mut server = RedisServer {
            child,
            dir,
            url,
            port,
            socket,
        };
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(format!("redis-server exited with {status}: {log}"));
            }
            if server.answers() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!("redis-server did not answer within {STARTUP:?}"));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server is up: a connection is accepted and answers (an authentication error
    /// is an answer too).
    fn answers(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return false;
        };
        let Ok(mut connection) = client.get_connection_with_timeout(Duration::from_millis(500))
        else {
            return false;
        };
        match redis::cmd("PING").query::<String>(&mut connection) {
            Ok(_) => true,
            Err(err) => err.code() == Some("NOAUTH"),
        }
    }

    /// The URL with a password, for a server started with `--requirepass`.
    pub fn url_with_password(&self, user: &str, password: &str) -> String {
        match self.port {
            Some(port) => format!("redis://{user}:{password}@127.0.0.1:{port}"),
            None => format!("{}?pass={password}", self.url),
        }
    }

    /// A plain connection for inspecting or tampering with keys.
    pub fn raw(&self) -> redis::Connection {
        let client = redis::Client::open(self.url.as_str())
            .unwrap_or_else(|err| panic!("bad test URL: {err}"));
        client
            .get_connection_with_timeout(Duration::from_secs(5))
            .unwrap_or_else(|err| panic!("cannot connect to the test server: {err}"))
    }

    /// The temporary directory the server runs in.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
