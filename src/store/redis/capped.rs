//! A connection to a Redis server whose every reply is bounded in size (SECURITY.md 45).
//!
//! The redis crate's own connection reads a reply whole, however long the server says it is or
//! keeps it: an endless reply grew the process until allocation failed and it aborted (exit 134).
//! Here the stream is read through a counter that fails the reply, with the limit in the
//! message, once it passes [`MAX_REPLY_BYTES`]; the crate's parser and commands are used as they
//! are. Every connection the store opens is this one: TCP, TLS (`rediss://`) and Unix sockets,
//! RESP2 and RESP3, a single server and each node of a cluster.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ::redis::cluster::Connect;
use ::redis::{
    Cmd, ConnectionAddr, ConnectionInfo, ConnectionLike, ErrorKind, IntoConnectionInfo, Parser,
    RedisError, RedisResult, Value, cmd,
};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

/// The largest reply read, 256 MiB: `sessions` over a million sessions fits.
pub const MAX_REPLY_BYTES: u64 = 256 * 1024 * 1024;

/// Why `rediss://…#insecure` is refused.
pub const NO_INSECURE_TLS: &str =
    "#insecure (TLS without verifying the server's certificate) is not supported";

type TlsStream = StreamOwned<ClientConnection, TcpStream>;

enum Stream {
    Tcp(TcpStream),
    Tls(Box<TlsStream>),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Stream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.set_read_timeout(timeout),
            Stream::Tls(stream) => stream.get_ref().set_read_timeout(timeout),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.set_read_timeout(timeout),
        }
    }

    fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.set_write_timeout(timeout),
            Stream::Tls(stream) => stream.get_ref().set_write_timeout(timeout),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.set_write_timeout(timeout),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(stream) => stream.read(buf),
            Stream::Tls(stream) => stream.read(buf),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(stream) => stream.write(buf),
            Stream::Tls(stream) => stream.write(buf),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.flush(),
            Stream::Tls(stream) => stream.flush(),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.flush(),
        }
    }
}

/// The one stream both ways (a TLS session cannot be split into a reader and a writer): reads
/// take at most `left` more bytes, then fail; writes pass through.
struct Counted {
    stream: Stream,
    left: u64,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "the server's reply is over the limit of {MAX_REPLY_BYTES} bytes (256 MiB)"
                ),
            ));
        }
        let room = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let buf = buf.get_mut(..room).unwrap_or_default();
        let read = self.stream.read(buf)?;
        self.left = self.left.saturating_sub(read as u64);
        Ok(read)
    }
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// A connection to one server with every reply bounded.
pub struct CappedConnection {
    stream: Counted,
    parser: Parser,
    /// What broke the connection: after a failed read or write the replies may be out of step
    /// with the commands (a late reply, the rest of one cut short), so every later request gets
    /// this error again rather than a stale reply as its answer.
    failed: Option<RedisError>,
    db: i64,
}

impl CappedConnection {
    /// Connects and performs the handshake `info` asks for (`HELLO 3` or `AUTH`, `SELECT`), all
    /// within `timeout`; the first command then gets what is left of it.
    pub fn open(info: &ConnectionInfo, timeout: Option<Duration>) -> RedisResult<Self> {
        let started = Instant::now();
        let stream = match info.addr() {
            ConnectionAddr::Tcp(host, port) => Stream::Tcp(connect_tcp(host, *port, timeout)?),
            ConnectionAddr::TcpTls {
                host,
                port,
                insecure: false,
                tls_params: None,
            } => {
                let config = tls_config()?;
                let name = ServerName::try_from(host.as_str())
                    .map_err(|err| {
                        RedisError::from((
                            ErrorKind::InvalidClientConfig,
                            "not a valid TLS server name",
                            format!("{host:?}: {err}"),
                        ))
                    })?
                    .to_owned();
                let session = ClientConnection::new(config, name)?;
                let socket = connect_tcp(host, *port, timeout)?;
                Stream::Tls(Box::new(StreamOwned::new(session, socket)))
            }
            // A URL gives neither a client certificate nor other roots (`tls_params`); `#insecure`
            // would skip verifying the server, which this build never does.
            ConnectionAddr::TcpTls { .. } => {
                return Err(RedisError::from((
                    ErrorKind::InvalidClientConfig,
                    NO_INSECURE_TLS,
                )));
            }
            #[cfg(unix)]
            ConnectionAddr::Unix(path) => {
                Stream::Unix(std::os::unix::net::UnixStream::connect(path)?)
            }
            _ => {
                return Err(RedisError::from((
                    ErrorKind::InvalidClientConfig,
                    "a kind of Redis address this build cannot connect to",
                )));
            }
        };
        let mut connection = CappedConnection {
            stream: Counted {
                stream,
                left: MAX_REPLY_BYTES,
            },
            parser: Parser::new(),
            failed: None,
            db: info.redis_settings().db(),
        };
        // Each step of the handshake, and then the first command, gets what is left of the one
        // timeout.
        let left = || {
            timeout.map(|timeout| {
                timeout
                    .saturating_sub(started.elapsed())
                    .max(Duration::from_millis(1))
            })
        };
        let settings = info.redis_settings();
        let mut handshake = Vec::new();
        if settings.protocol().supports_resp3() {
            let mut hello = cmd("HELLO");
            hello.arg(3);
            if let Some(password) = settings.password() {
                hello
                    .arg("AUTH")
                    .arg(settings.username().unwrap_or("default"))
                    .arg(password);
            }
            handshake.push(hello);
        } else if let Some(password) = settings.password() {
            let mut auth = cmd("AUTH");
            if let Some(username) = settings.username() {
                auth.arg(username);
            }
            auth.arg(password);
            handshake.push(auth);
        }
        if settings.db() != 0 {
            let mut select = cmd("SELECT");
            select.arg(settings.db());
            handshake.push(select);
        }
        connection.set_timeouts(left())?;
        for command in handshake {
            command.query::<()>(&mut connection)?;
            connection.set_timeouts(left())?;
        }
        Ok(connection)
    }

    /// Bounds each later read and write by `timeout`.
    pub fn set_timeouts(&self, timeout: Option<Duration>) -> RedisResult<()> {
        self.stream.stream.set_read_timeout(timeout)?;
        Ok(self.stream.stream.set_write_timeout(timeout)?)
    }

    /// Runs `step` unless the connection broke before, and remembers what breaks it now.
    fn guarded<T>(&mut self, step: impl FnOnce(&mut Self) -> RedisResult<T>) -> RedisResult<T> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let result = step(self);
        if let Err(err) = &result {
            self.failed = Some(err.clone());
        }
        result
    }

    fn send(&mut self, packed: &[u8]) -> RedisResult<()> {
        self.stream.write_all(packed)?;
        // Bytes wait in the TLS session until flushed.
        Ok(self.stream.flush()?)
    }

    fn read_reply(&mut self) -> RedisResult<Value> {
        self.stream.left = MAX_REPLY_BYTES;
        loop {
            match self.parser.parse_value(&mut self.stream)? {
                // Out-of-band messages are not replies.
                Value::Push { .. } => continue,
                value => return Ok(value),
            }
        }
    }
}

/// The roots the redis crate trusts (its `create_rustls_config`, without the
/// webpki-roots feature): the system's, replaced by `SSL_CERT_FILE` or `SSL_CERT_DIR` when set.
/// Read at each connection, as the crate does, so a changed `SSL_CERT_FILE` is seen.
fn tls_config() -> RedisResult<Arc<ClientConfig>> {
    let mut found = rustls_native_certs::load_native_certs();
    if let Some(error) = found.errors.pop() {
        return Err(error.into());
    }
    let mut roots = RootCertStore::empty();
    for certificate in found.certs {
        roots.add(certificate)?;
    }
    let config = ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

fn connect_tcp(host: &str, port: u16, timeout: Option<Duration>) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"));
    for address in (host, port).to_socket_addrs()? {
        let connected = match timeout {
            Some(timeout) => TcpStream::connect_timeout(&address, timeout),
            None => TcpStream::connect(address),
        };
        match connected {
            Ok(stream) => {
                // Commands are small and answered one at a time: no Nagle delay.
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(error) => last = error,
        }
    }
    Err(last)
}

impl ConnectionLike for CappedConnection {
    fn req_packed_command(&mut self, packed: &[u8]) -> RedisResult<Value> {
        self.guarded(|connection| {
            connection.send(packed)?;
            connection.read_reply()
        })
    }

    fn req_packed_commands(
        &mut self,
        packed: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        self.guarded(|connection| {
            connection.send(packed)?;
            let mut replies = Vec::with_capacity(count);
            for index in 0..offset.saturating_add(count) {
                let reply = connection.read_reply()?;
                if index >= offset {
                    replies.push(reply);
                }
            }
            Ok(replies)
        })
    }

    fn req_command(&mut self, command: &Cmd) -> RedisResult<Value> {
        self.req_packed_command(&command.get_packed_command())
    }

    fn get_db(&self) -> i64 {
        self.db
    }

    fn check_connection(&mut self) -> bool {
        self.failed.is_none() && cmd("PING").query::<String>(self).is_ok()
    }

    fn is_open(&self) -> bool {
        self.failed.is_none()
    }
}

/// What the redis crate's cluster client needs of a node's connection, so that a cluster's
/// nodes are reached through this one too.
impl Connect for CappedConnection {
    fn connect<T>(info: T, timeout: Option<Duration>) -> RedisResult<Self>
    where
        T: IntoConnectionInfo,
    {
        CappedConnection::open(&info.into_connection_info()?, timeout)
    }

    fn send_packed_command(&mut self, packed: &[u8]) -> RedisResult<()> {
        self.guarded(|connection| connection.send(packed))
    }

    fn set_write_timeout(&self, timeout: Option<Duration>) -> RedisResult<()> {
        Ok(self.stream.stream.set_write_timeout(timeout)?)
    }

    fn set_read_timeout(&self, timeout: Option<Duration>) -> RedisResult<()> {
        Ok(self.stream.stream.set_read_timeout(timeout)?)
    }

    fn recv_response(&mut self) -> RedisResult<Value> {
        self.guarded(Self::read_reply)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    /// A connection to a fake server that the test drives by hand.
    fn connected() -> (CappedConnection, UnixStream) {
        let (ours, theirs) = UnixStream::pair().expect("a socket pair");
        let connection = CappedConnection {
            stream: Counted {
                stream: Stream::Unix(ours),
                left: MAX_REPLY_BYTES,
            },
            parser: Parser::new(),
            failed: None,
            db: 0,
        };
        (connection, theirs)
    }

    #[test]
    fn a_late_reply_is_never_taken_for_the_next_commands() {
        let (mut connection, mut server) = connected();
        connection
            .set_timeouts(Some(Duration::from_millis(50)))
            .expect("timeouts");
        let first = cmd("GET").arg("a").query::<Option<String>>(&mut connection);
        assert!(
            first.as_ref().is_err_and(RedisError::is_timeout),
            "{first:?}"
        );
        // The first reply arrives after all, then the one to the next command.
        server
            .write_all(b"$5\r\nfirst\r\n$6\r\nsecond\r\n")
            .expect("write");
        let second = cmd("GET").arg("b").query::<Option<String>>(&mut connection);
        assert!(
            second.as_ref().is_err_and(RedisError::is_timeout),
            "{second:?}"
        );
        assert!(!connection.is_open());
        assert!(!connection.check_connection());
    }

    #[test]
    fn a_reply_cut_short_breaks_the_connection() {
        let (mut connection, mut server) = connected();
        server.write_all(b"$10\r\nabc").expect("write");
        drop(server);
        let cut = cmd("GET").arg("a").query::<Option<String>>(&mut connection);
        assert!(cut.is_err(), "{cut:?}");
        let again = cmd("PING").query::<String>(&mut connection);
        assert!(again.is_err(), "{again:?}");
        assert!(!connection.is_open());
    }
}
