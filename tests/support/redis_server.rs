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

    /// A server speaking only TLS on a free loopback port, with a certificate for `127.0.0.1` and
    /// `localhost` signed by a throwaway CA; returns the CA certificate's path as well. Needs the
    /// `openssl` command (skipped without it, like `redis-server`).
    pub fn start_tls() -> Option<(RedisServer, PathBuf)> {
        if !redis_available() {
            return None;
        }
        let openssl = Command::new("openssl")
            .arg("version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !openssl {
            if std::env::var_os("CI").is_some() {
                panic!("openssl is not installed, and CI is set: the TLS test must run");
            }
            eprintln!("skipped: openssl not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("tempdir: {err}"));
        let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        let extensions = path("server.ext");
        std::fs::write(
            &extensions,
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap_or_else(|err| panic!("write: {err}"));
        let steps: [Vec<String>; 3] = [
            vec![
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &path("ca.key"),
                "-out",
                &path("ca.crt"),
                "-days",
                "1",
                "-subj",
                "/CN=jwtctl test CA",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            vec![
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &path("server.key"),
                "-out",
                &path("server.csr"),
                "-subj",
                "/CN=localhost",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            vec![
                "x509",
                "-req",
                "-in",
                &path("server.csr"),
                "-CA",
                &path("ca.crt"),
                "-CAkey",
                &path("ca.key"),
                "-CAcreateserial",
                "-out",
                &path("server.crt"),
                "-days",
                "1",
                "-extfile",
                &extensions,
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        ];
        for step in steps {
            let output = Command::new("openssl")
                .args(&step)
                .output()
                .unwrap_or_else(|err| panic!("openssl: {err}"));
            assert!(
                output.status.success(),
                "openssl {step:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let ca = dir.path().join("ca.crt");
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .unwrap_or_else(|err| panic!("cannot find a free port: {err}"))
            .port();
        let port_text = port.to_string();
        let (cert, key, ca_text) = (path("server.crt"), path("server.key"), path("ca.crt"));
        let args = [
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "127.0.0.2",
            "--tls-port",
            &port_text,
            "--tls-cert-file",
            &cert,
            "--tls-key-file",
            &key,
            "--tls-ca-cert-file",
            &ca_text,
            "--tls-auth-clients",
            "no",
        ];
        let url = format!("rediss://127.0.0.1:{port}");
        match Self::spawn_in(dir, &args, url, Some(port), None) {
            Ok(server) => Some((server, ca)),
            Err(err) => panic!("cannot start redis-server with TLS: {err}"),
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
        if self.url.starts_with("rediss://") {
            // The client may not trust the test CA yet: listening is enough.
            return self.port.is_some_and(|port| {
                std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
            });
        }
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

/// A private three-primary Redis Cluster on loopback ports: three `redis-server
/// --cluster-enabled yes` joined by `redis-cli --cluster create`, each node killed on drop.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
    /// `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`.
    pub url: String,
}

/// Whether `redis-cli` can run here; panics under CI when it cannot.
fn redis_cli_available() -> bool {
    let installed = Command::new("redis-cli")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !installed {
        if std::env::var_os("CI").is_some() {
            panic!("redis-cli is not installed, and CI is set: the cluster tests must run");
        }
        eprintln!("skipped: redis-cli not installed");
    }
    installed
}

impl RedisCluster {
    /// Starts the cluster and waits until every node reports `cluster_state:ok`.
    pub fn start() -> Option<RedisCluster> {
        Self::start_with(&[])
    }

    /// The same, with extra `redis-server` arguments for every node.
    pub fn start_with(extra: &[&str]) -> Option<RedisCluster> {
        if !redis_available() || !redis_cli_available() {
            return None;
        }
        let mut last_error = String::new();
        for _ in 0..5 {
            match Self::try_start(extra) {
                Ok(cluster) => return Some(cluster),
                Err(err) => last_error = err,
            }
        }
        panic!("cannot start a Redis Cluster: {last_error}");
    }

    fn try_start(extra: &[&str]) -> Result<RedisCluster, String> {
        let mut nodes = Vec::new();
        for _ in 0..3 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|listener| listener.local_addr())
                .map_err(|err| format!("cannot find a free port: {err}"))?
                .port();
            let port_text = port.to_string();
            let mut args = vec![
                "--port",
                &port_text,
                "--bind",
                "127.0.0.1",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "2000",
            ];
            args.extend_from_slice(extra);
            nodes.push(RedisServer::spawn(
                &args,
                format!("redis://127.0.0.1:{port}"),
                Some(port),
                None,
            )?);
        }
        let addresses: Vec<String> = nodes
            .iter()
            .filter_map(|node| node.port)
            .map(|port| format!("127.0.0.1:{port}"))
            .collect();
        let output = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("redis-cli: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "redis-cli --cluster create: {}",
                String::from_utf8_lossy(&output.stdout)
            ));
        }
        let cluster = RedisCluster {
            url: format!("redis+cluster://{}", addresses.join(",")),
            nodes,
        };
        let deadline = Instant::now() + STARTUP;
        while !cluster.is_ok() {
            if Instant::now() > deadline {
                return Err(format!("the cluster was not ok within {STARTUP:?}"));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(cluster)
    }

    /// Whether every node says the cluster is ok and knows all three nodes.
    fn is_ok(&self) -> bool {
        self.nodes.iter().all(|node| {
            let mut connection = node.raw();
            let info: String = redis::cmd("CLUSTER")
                .arg("INFO")
                .query(&mut connection)
                .unwrap_or_default();
            info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")
        })
    }

    /// Stops one node, as a crash would.
    pub fn kill(&mut self, index: usize) {
        if let Some(node) = self.nodes.get_mut(index) {
            let _ = node.child.kill();
            let _ = node.child.wait();
        }
    }
}
