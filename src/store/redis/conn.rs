//! One connection to the store's servers, a single server or a cluster, behind the few operations
//! the store needs: a command or script, a pipeline, and a command on each primary (`SCAN`,
//! `CONFIG GET`).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use ::redis::cluster::{ClusterClient, ClusterConnection};

use super::capped::CappedConnection;
use ::redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use ::redis::{
    Arg, Cmd, ConnectionInfo, ConnectionLike, ErrorKind, FromRedisValue, IntoConnectionInfo,
    RedisError, Value, cmd, pipe,
};

/// The schemes of a cluster URL, and the scheme of each node they stand for.
const CLUSTER_SCHEMES: [(&str, &str); 2] = [
    ("redis+cluster://", "redis://"),
    ("rediss+cluster://", "rediss://"),
];

/// What connects: one server, or a client for a cluster.
pub(super) enum Target {
    Single(ConnectionInfo),
    Cluster(ClusterClient),
}

/// A connection opened from a [`Target`]; every reply of either is bounded in size.
pub(super) enum Conn {
    Single(CappedConnection),
    Cluster {
        connection: Box<ClusterConnection<CappedConnection>>,
        /// Which primary (by index) serves each slot, read once for pipelines that span slots;
        /// a slot that moves afterwards is refused by its old node (MOVED), never run there.
        owners: Option<HashMap<Route, usize>>,
    },
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
        let password = info.redis_settings().password().map(str::to_owned);
        Ok((Target::Single(info), password))
    }

    /// A new connection whose first command gets what the handshake (connect, HELLO or AUTH,
    /// SELECT) left of the timeout, so that connecting and the first reply together take at most
    /// about the timeout; [`Conn::restore_timeout`] gives later commands the whole timeout again.
    /// A cluster's nodes get the cluster client's timeouts instead.
    pub(super) fn open(&self, timeout: Duration) -> Result<Conn, RedisError> {
        match self {
            Target::Single(info) => Ok(Conn::Single(CappedConnection::open(info, Some(timeout))?)),
            // `get_generic_connection` is doc(hidden) in redis 1.8.1 (Cargo.lock pins it) but is
            // the only way to give the cluster client nodes' connections whose replies are
            // bounded; `get_connection` would read each node through the crate's own.
            Target::Cluster(client) => Ok(Conn::Cluster {
                connection: Box::new(client.get_generic_connection::<CappedConnection>()?),
                owners: None,
            }),
        }
    }
}

/// The slot ranges of the cluster and the primary serving each, from CLUSTER SLOTS.
fn slot_ranges(
    connection: &mut ClusterConnection<CappedConnection>,
) -> Result<Vec<(u16, u16, Node)>, RedisError> {
    // One entry per slot range, its primary third: [start, end, [host, port, id], replicas...].
    let slots: Vec<Vec<Value>> = cmd("CLUSTER").arg("SLOTS").query(connection)?;
    let mut ranges = Vec::with_capacity(slots.len());
    for range in slots {
        let (Some(start), Some(end), Some(Value::Array(primary))) =
            (range.first(), range.get(1), range.get(2))
        else {
            return Err(invalid("an unexpected CLUSTER SLOTS reply"));
        };
        let (Some(host), Some(port)) = (primary.first(), primary.get(1)) else {
            return Err(invalid("an unexpected CLUSTER SLOTS reply"));
        };
        let node = Node::Primary {
            host: String::from_redis_value(host.clone())?,
            port: u16::from_redis_value(port.clone())?,
        };
        ranges.push((
            u16::from_redis_value(start.clone())?,
            u16::from_redis_value(end.clone())?,
            node,
        ));
    }
    Ok(ranges)
}

/// The route of a command by its first key; `None` for a command without one.
fn route_of(command: &Cmd) -> Option<Route> {
    let args: Vec<&[u8]> = command
        .args_iter()
        .take(4)
        .map_while(|arg| match arg {
            Arg::Simple(bytes) => Some(bytes),
            _ => None,
        })
        .collect();
    let key = match args.first()?.to_ascii_uppercase().as_slice() {
        // EVALSHA sha numkeys key...
        b"EVAL" | b"EVALSHA" => {
            let keys = std::str::from_utf8(args.get(2)?).ok()?;
            if keys.parse::<u64>().ok()? == 0 {
                return None;
            }
            *args.get(3)?
        }
        _ => *args.get(1)?,
    };
    Some(Route::with_key(key, SlotAddr::Master))
}

/// `commands` in one round trip per primary. The redis crate's cluster pipeline takes only its
/// own connection type, so the commands are grouped by the primary serving their key's slot, and
/// each group is sent packed, which the cluster connection routes by its first command. A
/// group's commands all belong to that primary, so a slot that moved meanwhile is refused there
/// (MOVED) rather than run elsewhere.
fn cluster_pipeline<T: FromRedisValue>(
    connection: &mut ClusterConnection<CappedConnection>,
    owners: &mut Option<HashMap<Route, usize>>,
    commands: &[Cmd],
) -> Result<Vec<T>, RedisError> {
    let routes: Vec<Option<Route>> = commands.iter().map(route_of).collect();
    let groups: Vec<Vec<usize>> = if routes.windows(2).all(|pair| pair[0] == pair[1]) {
        // The common case (one subject's keys, which share a hash tag): no need for the map.
        vec![(0..commands.len()).collect()]
    } else {
        let owner = match owners {
            Some(owner) => owner,
            None => owners.insert(slot_owners(connection)?),
        };
        let mut by_node: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        // Commands without a key, or whose slot no primary serves, go on their own; the
        // cluster connection routes (or refuses) them.
        let mut alone = Vec::new();
        for (index, route) in routes.iter().enumerate() {
            match route.and_then(|route| owner.get(&route)) {
                Some(&node) => by_node.entry(node).or_default().push(index),
                None => alone.push(vec![index]),
            }
        }
        by_node.into_values().chain(alone).collect()
    };
    let mut replies: Vec<Option<Value>> = vec![None; commands.len()];
    for group in groups {
        let mut pipeline = pipe();
        for command in group.iter().filter_map(|&index| commands.get(index)) {
            pipeline.add_command(command.clone());
        }
        // Not `pipeline.query`: that refuses a cluster connection outright, though the cluster
        // routes a packed pipeline to the node of its first command.
        let values =
            match connection.req_packed_commands(&pipeline.get_packed_pipeline(), 0, group.len()) {
                Ok(values) => values,
                // A slot moved (resharding, a failover): the whole group fails, though only some
                // of its keys moved. Each command alone is followed to its new node by the
                // cluster client, and the map is read again for the next pipeline. The store's
                // pipelines are reads and idempotent scripts, so sending one again is harmless.
                Err(error) if error.is_cluster_error() => {
                    *owners = None;
                    group
                        .iter()
                        .filter_map(|&index| commands.get(index))
                        .map(|command| connection.req_command(command))
                        .collect::<Result<Vec<Value>, RedisError>>()?
                }
                Err(error) => return Err(error),
            };
        if values.len() != group.len() {
            return Err(invalid("a pipeline reply of the wrong length"));
        }
        for (index, value) in group.into_iter().zip(values) {
            if let Some(reply) = replies.get_mut(index) {
                *reply = Some(value);
            }
        }
    }
    replies
        .into_iter()
        .map(|reply| {
            let value = reply.ok_or_else(|| invalid("a pipeline reply is missing"))?;
            T::from_redis_value(value).map_err(RedisError::from)
        })
        .collect()
}

/// The index of the primary serving each slot (`Route` hides its slot number, so the map is
/// keyed by route).
fn slot_owners(
    connection: &mut ClusterConnection<CappedConnection>,
) -> Result<HashMap<Route, usize>, RedisError> {
    let mut owner = HashMap::new();
    let mut nodes = Vec::new();
    for (start, end, node) in slot_ranges(connection)? {
        let index = match nodes.iter().position(|known| *known == node) {
            Some(index) => index,
            None => {
                nodes.push(node);
                nodes.len() - 1
            }
        };
        for slot in start..=end {
            owner.insert(Route::new(slot, SlotAddr::Master), index);
        }
    }
    Ok(owner)
}

fn invalid(message: &'static str) -> RedisError {
    RedisError::from((ErrorKind::InvalidClientConfig, message))
}

impl Conn {
    /// The connection for a command or a script routed by its first key.
    pub(super) fn like(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Conn::Single(connection) => connection,
            Conn::Cluster { connection, .. } => connection.as_mut(),
        }
    }

    pub(super) fn restore_timeout(&mut self, timeout: Duration) -> Result<(), RedisError> {
        match self {
            Conn::Single(connection) => connection.set_timeouts(Some(timeout)),
            // The cluster client bounds each reply by its response timeout already.
            Conn::Cluster { .. } => Ok(()),
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
            Conn::Single(connection) => {
                let mut pipeline = pipe();
                for command in commands {
                    pipeline.add_command(command.clone());
                }
                pipeline.query(connection)
            }
            Conn::Cluster { connection, owners } => cluster_pipeline(connection, owners, commands),
        }
    }

    /// The nodes that hold data: the server, or every cluster primary.
    pub(super) fn primaries(&mut self) -> Result<Vec<Node>, RedisError> {
        let Conn::Cluster { connection, .. } = self else {
            return Ok(vec![Node::Only]);
        };
        let mut nodes = Vec::new();
        for (_, _, node) in slot_ranges(connection)? {
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
            (Conn::Single(connection), _) => command.query(connection),
            (Conn::Cluster { connection, .. }, Node::Primary { host, port }) => {
                let routing = RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress {
                    host: host.clone(),
                    port: *port,
                });
                let value = connection.route_command(command, routing)?;
                T::from_redis_value(value).map_err(RedisError::from)
            }
            (Conn::Cluster { connection, .. }, Node::Only) => command.query(connection.as_mut()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_routed_by_its_first_key() {
        let key = "jwtctl:{s616c696365}:f:6631";
        assert_eq!(
            route_of(cmd("HGETALL").arg(key)),
            Some(Route::with_key(key, SlotAddr::Master))
        );
        // EVALSHA sha numkeys key...: the key, not the hash or the count.
        let script = cmd("EVALSHA")
            .arg("0123abcd")
            .arg(2)
            .arg(key)
            .arg("other")
            .clone();
        assert_eq!(
            route_of(&script),
            Some(Route::with_key(key, SlotAddr::Master))
        );
        assert_eq!(
            route_of(cmd("evalsha").arg("0123abcd").arg(0).arg("x")),
            None
        );
        assert_eq!(route_of(&cmd("PING")), None);
    }
}
