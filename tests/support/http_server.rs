//! A small HTTP/1.1 server on 127.0.0.1 for the remote-key tests: it answers what the test's
//! handler says, over plain TCP or TLS with a certificate from a CA made for the test, and
//! records every request it receives, so a test can assert that nothing was asked at all.
//! Stopped on drop.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The name the server certificate also holds, for a test that reaches it through a proxy.
pub const PROXIED_HOST: &str = "keys.example.test";

/// How long a connection told to stay silent is held, at most.
const SILENCE_LIMIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, Clone)]
pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        /// Send no Content-Length and end the body by closing the connection.
        unsized_body: bool,
    },
    /// Read the request, then say nothing until the client gives up.
    Silence,
    /// Close the connection without a word.
    Close,
}

impl Reply {
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: body.into(),
            unsized_body: false,
        }
    }

    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200, body).header("content-type", "application/json")
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status, "").header("location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    pub fn without_length(mut self) -> Reply {
        if let Reply::Respond { unsized_body, .. } = &mut self {
            *unsized_body = true;
        }
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct TestServer {
    addr: SocketAddr,
    tls: bool,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Plain HTTP on 127.0.0.1.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> TestServer {
        Self::spawn(None, Arc::new(handler))
    }

    /// HTTPS on 127.0.0.1 with a certificate for `localhost` and `127.0.0.1` signed by `ca`.
    pub fn start_tls(
        ca: &TestCa,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        Self::spawn(Some(ca.server_config()), Arc::new(handler))
    }

    /// An HTTPS proxy stand-in: it answers a `CONNECT` (recorded like any request) with 200 and
    /// then serves the tunnelled request itself over TLS with a certificate signed by `ca`.
    pub fn start_tls_after_connect(
        ca: &TestCa,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let mut server = Self::spawn_with(Some(ca.server_config()), Arc::new(handler), true);
        server.tls = false;
        server
    }

    fn spawn(tls: Option<Arc<rustls::ServerConfig>>, handler: Arc<Handler>) -> TestServer {
        Self::spawn_with(tls, handler, false)
    }

    fn spawn_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: Arc<Handler>,
        connect_first: bool,
    ) -> TestServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let is_tls = tls.is_some();
        let thread = {
            let (requests, connections, stop) =
                (requests.clone(), connections.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    connections.fetch_add(1, Ordering::SeqCst);
                    let Ok(stream) = stream else { continue };
                    let (requests, stop, handler, tls) =
                        (requests.clone(), stop.clone(), handler.clone(), tls.clone());
                    thread::spawn(move || {
                        serve(
                            stream,
                            tls,
                            connect_first,
                            handler.as_ref(),
                            &requests,
                            &stop,
                        )
                    });
                }
            })
        };
        TestServer {
            addr,
            tls: is_tls,
            requests,
            connections,
            stop,
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT/path`, or `https://localhost:PORT/path` for TLS.
    pub fn url(&self, path: &str) -> String {
        if self.tls {
            format!("https://localhost:{}{path}", self.addr.port())
        } else {
            format!("http://127.0.0.1:{}{path}", self.addr.port())
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests").clone()
    }

    /// Every connection accepted so far, whether or not a request came over it.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    connect_first: bool,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    if connect_first {
        // Byte by byte, so nothing of the TLS handshake that follows is swallowed by a buffer.
        let Some(request) = read_request(&mut BufReader::with_capacity(1, &mut stream)) else {
            return;
        };
        let connect = request.method == "CONNECT";
        requests.lock().expect("requests").push(request);
        let answer: &[u8] = if connect {
            b"HTTP/1.1 200 Connection established\r\n\r\n"
        } else {
            b"HTTP/1.1 405 Not a proxy request\r\ncontent-length: 0\r\n\r\n"
        };
        if stream.write_all(answer).is_err() || !connect {
            return;
        }
    }
    match tls {
        None => exchange(stream, handler, requests, stop),
        Some(config) => {
            let Ok(connection) = rustls::ServerConnection::new(config) else {
                return;
            };
            exchange(
                rustls::StreamOwned::new(connection, stream),
                handler,
                requests,
                stop,
            );
        }
    }
}

fn exchange<S: Read + Write>(
    stream: S,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    requests.lock().expect("requests").push(request.clone());
    let reply = handler(&request);
    let mut stream = reader.into_inner();
    match reply {
        Reply::Close => {}
        Reply::Silence => {
            let started = Instant::now();
            while !stop.load(Ordering::SeqCst) && started.elapsed() < SILENCE_LIMIT {
                thread::sleep(Duration::from_millis(20));
            }
        }
        Reply::Respond {
            status,
            headers,
            body,
            unsized_body,
        } => {
            let mut head = format!("HTTP/1.1 {status} Test\r\nconnection: close\r\n");
            if !unsized_body {
                head.push_str(&format!("content-length: {}\r\n", body.len()));
            }
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            // A client that stops reading (a body over its limit) ends the write: fine.
            for chunk in body.chunks(64 * 1024) {
                if stream.write_all(chunk).is_err() {
                    return;
                }
            }
            let _ = stream.flush();
        }
    }
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        if headers.len() > 100 {
            return None;
        }
    }
    Some(Request {
        method,
        path,
        headers,
    })
}

/// A certificate authority made for one test, and a server certificate it signed for
/// `localhost`, `127.0.0.1` and [`PROXIED_HOST`]. The CA certificate is written to a PEM file for `--ca-file` or
/// `SSL_CERT_FILE`.
pub struct TestCa {
    dir: tempfile::TempDir,
    server_chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    server_key: Vec<u8>,
}

impl TestCa {
    pub fn new() -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "jwtctl test CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate().expect("server key");
        let server_params = CertificateParams::new(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            PROXIED_HOST.to_owned(),
        ])
        .expect("server params");
        let server_cert = server_params
            .signed_by(&server_key, &issuer)
            .expect("server certificate");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).expect("write ca.pem");
        TestCa {
            dir,
            server_chain: vec![server_cert.der().clone()],
            server_key: server_key.serialize_der(),
        }
    }

    /// The CA certificate, PEM.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(self.server_key.clone().into());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(self.server_chain.clone(), key)
        .expect("server certificate");
        Arc::new(config)
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}
