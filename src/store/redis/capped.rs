//! A connection to a Redis server whose every reply is bounded in size (SECURITY.md 45).
//!
//! The redis crate's own connection reads a reply whole, however long the server says it is or
//! keeps it: an endless reply grew the process until allocation failed and it aborted (exit 134).
//! Here the socket is read through a counter that fails the reply, with the limit in the
//! message, once it passes [`MAX_REPLY_BYTES`]; the crate's parser and commands are used as they
//! are. Plain TCP and Unix sockets get this connection; TLS (`rediss://`) and RESP3 keep the
//! crate's, which offers no way to bound a reply.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use ::redis::{
    Cmd, ConnectionAddr, ConnectionInfo, ConnectionLike, Parser, ProtocolVersion, RedisResult,
    Value, cmd,
};

/// The largest reply read, 256 MiB: `sessions` over a million sessions fits.
pub const MAX_REPLY_BYTES: u64 = 256 * 1024 * 1024;

enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Stream {
    fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Tcp(stream) => Stream::Tcp(stream.try_clone()?),
            #[cfg(unix)]
            Stream::Unix(stream) => Stream::Unix(stream.try_clone()?),
        })
    }

    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.set_read_timeout(timeout),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.set_read_timeout(timeout),
        }
    }

    fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.set_write_timeout(timeout),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.set_write_timeout(timeout),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(stream) => stream.read(buf),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(stream) => stream.write(buf),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(stream) => stream.flush(),
            #[cfg(unix)]
            Stream::Unix(stream) => stream.flush(),
        }
    }
}

/// Reads at most `left` more bytes, then fails.
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

/// A RESP2 connection over TCP or a Unix socket with every reply bounded.
pub struct CappedConnection {
    reader: Counted,
    writer: Stream,
    parser: Parser,
}

impl CappedConnection {
    /// Connects and authenticates as `info` says, within `timeout`. `None` for what this
    /// connection does not speak (TLS, RESP3): the caller uses the crate's connection then.
    pub fn connect(info: &ConnectionInfo, timeout: Duration) -> RedisResult<Option<Self>> {
        let settings = info.redis_settings();
        if settings.protocol() != ProtocolVersion::RESP2 {
            return Ok(None);
        }
        let started = std::time::Instant::now();
        let stream = match info.addr() {
            ConnectionAddr::Tcp(host, port) => Stream::Tcp(connect_tcp(host, *port, timeout)?),
            #[cfg(unix)]
            ConnectionAddr::Unix(path) => {
                Stream::Unix(std::os::unix::net::UnixStream::connect(path)?)
            }
            _ => return Ok(None),
        };
        // Connecting and authenticating share the one timeout.
        let left = timeout
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1));
        stream.set_read_timeout(Some(left))?;
        stream.set_write_timeout(Some(left))?;
        let mut connection = CappedConnection {
            writer: stream.try_clone()?,
            reader: Counted {
                stream,
                left: MAX_REPLY_BYTES,
            },
            parser: Parser::new(),
        };
        if let Some(password) = settings.password() {
            let mut auth = cmd("AUTH");
            if let Some(username) = settings.username() {
                auth.arg(username);
            }
            auth.arg(password);
            auth.query::<()>(&mut connection)?;
        }
        Ok(Some(connection))
    }

    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> RedisResult<()> {
        Ok(self.writer.set_read_timeout(timeout)?)
    }

    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> RedisResult<()> {
        Ok(self.writer.set_write_timeout(timeout)?)
    }

    fn read_reply(&mut self) -> RedisResult<Value> {
        self.reader.left = MAX_REPLY_BYTES;
        loop {
            match self.parser.parse_value(&mut self.reader)? {
                // Out-of-band messages are not replies.
                Value::Push { .. } => continue,
                value => return Ok(value),
            }
        }
    }
}

fn connect_tcp(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"));
    for address in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&address, timeout) {
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
        self.writer.write_all(packed)?;
        self.read_reply()
    }

    fn req_packed_commands(
        &mut self,
        packed: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        self.writer.write_all(packed)?;
        let mut replies = Vec::with_capacity(count);
        for index in 0..offset.saturating_add(count) {
            let reply = self.read_reply()?;
            if index >= offset {
                replies.push(reply);
            }
        }
        Ok(replies)
    }

    fn req_command(&mut self, command: &Cmd) -> RedisResult<Value> {
        self.req_packed_command(&command.get_packed_command())
    }

    fn get_db(&self) -> i64 {
        // The store selects its database itself, after connecting.
        0
    }

    fn check_connection(&mut self) -> bool {
        cmd("PING").query::<String>(self).is_ok()
    }

    fn is_open(&self) -> bool {
        true
    }
}
