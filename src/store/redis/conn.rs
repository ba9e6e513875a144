//! One connection to the store's servers, a single server or a cluster, behind the few operations
//! the store needs: a command or script, a pipeline, and a command on each primary (`SCAN`,
//! `CONFIG GET`).

use std::time::{Duration, Instant};

use ::redis::cluster::{ClusterClient, ClusterConnection, cluster_pipe};

use super::capped::CappedConnection;
use ::redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use ::redis::{
    Client, Cmd, Connection, ConnectionLike, ErrorKind, FromRedisValue, IntoConnectionInfo,
    RedisError, Value, cmd, pipe,
};

/// The schemes of a cluster URL, and the scheme of each node they stand for.
const CLUSTER_SCHEMES: [(&str, &str); 2] = [
    ("redis+cluster://", "redis://"),
    ("rediss+cluster://", "rediss://"),
];

/// What connects: a client for one server or for a cluster.
pub(super) enum Target {
    Single {
        client: Client,
        /// The database of the URL, selected after connecting rather than during the
        /// handshake, where its reply would wait a whole timeout of its own.
        db: i64,
    },
    Cluster(ClusterClient),
}

/// A connection opened from a [`Target`].
pub(super) enum Conn {
    /// A single server through the connection that bounds every reply's size.
    Capped(CappedConnection),
    /// A single server the bounded connection does not speak to (TLS, RESP3).
    Single(Connection),
    Cluster(Box<ClusterConnection>),
}

/// A node to send a command to: the single server, or one cluster primary by address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    Only,
    Primary { host: String, port: u16 },
}

/// The node URLs a cluster URL stands for (`redis+cluster://u:p@h1:1,h2:2/` is
/// `redis://u:p@h1:1/` and `redis://u:p@h2:2/`); `None` for a URL of another scheme.
pub(crate) fn cluster_node_urls(url: &str) -> Option<Vec<String>> {
    let (cluster, node_scheme) = CLUSTER_SCHEMES
        .iter()
        .find(|(scheme, _)| url.starts_with(scheme))?;
    let rest = url.get(cluster.len()..)?;
    let (userinfo, rest) = match rest.rfind('@') {
        Some(at) => rest.split_at(at + 1),
        None => ("", rest),
    };
    let hosts_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (hosts, tail) = rest.split_at(hosts_end);
    Some(
        hosts
            .split(',')
            .filter(|host| !host.is_empty())
            .map(|host| format!("{node_scheme}{userinfo}{host}{tail}"))
            .collect(),
    )
}

impl Target {
    /// Parses `url` into a target. A cluster URL names one or more nodes,
    /// `redis+cluster://[user:password@]host:port[,host:port]...`; the client finds the rest.
    pub(super) fn parse(
        url: &str,
        timeout: Duration,
    ) -> Result<(Target, Option<String>), RedisError> {
        if let Some(nodes) = cluster_node_urls(url) {
            if nodes.is_empty() {
                return Err(invalid("a cluster URL names no node"));
            }
            let mut infos = Vec::with_capacity(nodes.len());
            for node in &nodes {
                let info = node.as_str().into_connection_info()?;
                if info.redis_settings().db() != 0 {
                    return Err(invalid("Redis Cluster has only database 0"));
                }
                infos.push(info);
            }
            let password = infos
                .first()
                .and_then(|info| info.redis_settings().password().map(str::to_owned));
            let client = ClusterClient::builder(infos)
                .connection_timeout(timeout)
                .response_timeout(timeout)
                // One more try after a redirection or a node that moved; a node that is down
                // must fail within about the timeout, not after a long backoff.
                .retries(1)
                .min_retry_wait(10)
                .max_retry_wait(100)
                .build()?;
            return Ok((Target::Cluster(client), password));
        }
        let info = url.into_connection_info()?;
        // The handshake waits for each of its replies for the whole timeout, so a stalled server
        // held `--store-timeout 1s` for 3 s. It is cut to AUTH: no CLIENT SETINFO (it only names
        // the client library in CLIENT LIST), and SELECT is sent by `open`.
        let db = info.redis_settings().db();
        let settings = info
            .redis_settings()
            .clone()
            .set_skip_set_lib_name()
            .set_db(0);
        let client = Client::open(info.set_redis_settings(settings))?;
        let password = client
            .get_connection_info()
            .redis_settings()
            .password()
            .map(str::to_owned);
        Ok((Target::Single { client, db }, password))
    }

    /// A new connection whose first command gets what the handshake (connect, AUTH, SELECT) left
    /// of the timeout, so that connecting and the first reply together take at most about the
    /// timeout; [`Conn::restore_timeout`] gives later commands the whole timeout again.
    pub(super) fn open(&self, timeout: Duration) -> Result<Conn, RedisError> {
        match self {
            Target::Single { client, db } => {
                if let Some(connection) =
                    CappedConnection::connect(client.get_connection_info(), timeout)?
                {
                    let mut connection = Conn::Capped(connection);
                    if *db != 0 {
                        cmd("SELECT").arg(*db).query::<()>(connection.like())?;
                    }
                    return Ok(connection);
                }
                let started = Instant::now();
                let left = || {
                    Some(
                        timeout
                            .saturating_sub(started.elapsed())
                            .max(Duration::from_millis(1)),
                    )
                };
                let mut connection = client.get_connection_with_timeout(timeout)?;
                connection.set_read_timeout(left())?;
                connection.set_write_timeout(left())?;
                if *db != 0 {
                    cmd("SELECT").arg(*db).query::<()>(&mut connection)?;
                    connection.set_read_timeout(left())?;
                    connection.set_write_timeout(left())?;
                }
                Ok(Conn::Single(connection))
            }
            Target::Cluster(client) => Ok(Conn::Cluster(Box::new(client.get_connection()?))),
        }
    }
}

fn invalid(message: &'static str) -> RedisError {
    RedisError::from((ErrorKind::InvalidClientConfig, message))
}

impl Conn {
    /// The connection for a command or a script routed by its first key.
    pub(super) fn like(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Conn::Capped(connection) => connection,
            Conn::Single(connection) => connection,
            Conn::Cluster(connection) => connection.as_mut(),
        }
    }

    pub(super) fn restore_timeout(&mut self, timeout: Duration) -> Result<(), RedisError> {
        match self {
            Conn::Capped(connection) => {
                connection.set_read_timeout(Some(timeout))?;
                connection.set_write_timeout(Some(timeout))
            }
            Conn::Single(connection) => {
                connection.set_read_timeout(Some(timeout))?;
                connection.set_write_timeout(Some(timeout))
            }
            // The cluster client bounds each reply by its response timeout already.
            Conn::Cluster(_) => Ok(()),
        }
    }

    /// Sends `commands` in one round trip per node and returns their replies in order. Not a
    /// transaction: each command is atomic, the pipeline is not.
    pub(super) fn pipeline<T: FromRedisValue>(
        &mut self,
        commands: &[Cmd],
    ) -> Result<Vec<T>, RedisError> {
        if commands.is_empty() {
            return Ok(Vec::new());
        }
        match self {
            Conn::Capped(connection) => {
                let mut pipeline = pipe();
                for command in commands {
                    pipeline.add_command(command.clone());
                }
                pipeline.query(connection)
            }
            Conn::Single(connection) => {
                let mut pipeline = pipe();
                for command in commands {
                    pipeline.add_command(command.clone());
                }
                pipeline.query(connection)
            }
            Conn::Cluster(connection) => {
                let mut pipeline = cluster_pipe();
                for command in commands {
                    pipeline.add_command(command.clone());
                }
                pipeline.query(connection.as_mut())
            }
        }
    }

    /// The nodes that hold data: the server, or every cluster primary.
    pub(super) fn primaries(&mut self) -> Result<Vec<Node>, RedisError> {
        let Conn::Cluster(connection) = self else {
            return Ok(vec![Node::Only]);
        };
        // CLUSTER SLOTS: one entry per slot range, its primary third: [start, end, [host, port, id], replicas...].
        let slots: Vec<Vec<Value>> = cmd("CLUSTER").arg("SLOTS").query(connection.as_mut())?;
        let mut nodes = Vec::new();
        for range in slots {
            let Some(Value::Array(primary)) = range.get(2) else {
                return Err(invalid("an unexpected CLUSTER SLOTS reply"));
            };
            let (Some(host), Some(port)) = (primary.first(), primary.get(1)) else {
                return Err(invalid("an unexpected CLUSTER SLOTS reply"));
            };
            let host = String::from_redis_value(host.clone())?;
            let port = u16::from_redis_value(port.clone())?;
            let node = Node::Primary { host, port };
            if !nodes.contains(&node) {
                nodes.push(node);
            }
        }
        Ok(nodes)
    }

    /// Runs `command` on one node.
    pub(super) fn on<T: FromRedisValue>(
        &mut self,
        node: &Node,
        command: &Cmd,
    ) -> Result<T, RedisError> {
        match (self, node) {
            (Conn::Capped(connection), _) => command.query(connection),
            (Conn::Single(connection), _) => command.query(connection),
            (Conn::Cluster(connection), Node::Primary { host, port }) => {
                let routing = RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress {
                    host: host.clone(),
                    port: *port,
                });
                let value = connection.route_command(command, routing)?;
                T::from_redis_value(value).map_err(RedisError::from)
            }
            (Conn::Cluster(connection), Node::Only) => command.query(connection.as_mut()),
        }
    }

    /// One step of `SCAN` on `node`: the next cursor, and up to about `count` keys matching
    /// `pattern`.
    pub(super) fn scan_step(
        &mut self,
        node: &Node,
        cursor: u64,
        pattern: &str,
        count: usize,
    ) -> Result<(u64, Vec<String>), RedisError> {
        let mut command = cmd("SCAN");
        command
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(count);
        self.on(node, &command)
    }
}
