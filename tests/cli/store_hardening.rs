//! The file store against another local user and a hurried operator (SECURITY.md cases 43-45):
//! planted links and directories, a store rewritten by root or by a stranger, files that are not
//! stores, a held lock, a killed writer's leftovers, an oversized store.
//!
//! What needs another user runs that user's part through `setpriv` (the tests run as root in
//! CI); where that is impossible they say so and stop, except under `CI`, where they fail.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

use crate::support::{SECRET, Sandbox, fails, stderr};

/// Plants links and directories where jwtctl will look.
const ATTACKER: u32 = 54_321;
/// Owns a store that root (an admin's `sudo`) or the attacker then touches.
const SERVICE: u32 = 54_322;
/// A group the service shares its store with.
const TEAM: u32 = 54_330;

/// Long enough for any machine; jwtctl that waits for something that never comes is killed, so
/// the test fails instead of hanging.
const HANG: Duration = Duration::from_secs(60);

/// Whether this test can act as other users: as root, with `setpriv`. Otherwise it says so and
/// the caller returns, except under `CI`, where it fails.
pub(crate) fn can_switch_users() -> bool {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if root && setpriv {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "this test needs root and setpriv to act as another user (root: {root}, setpriv: {setpriv})"
    );
    eprintln!("skipped: acting as another user needs root and setpriv");
    false
}

/// `setpriv` arguments that run the rest as `uid` (group `uid`, plus `groups`).
fn as_user(uid: u32, groups: &[u32]) -> Vec<String> {
    let mut args = vec![format!("--reuid={uid}"), format!("--regid={uid}")];
    if groups.is_empty() {
        args.push("--clear-groups".to_owned());
    } else {
        let list: Vec<String> = groups.iter().map(u32::to_string).collect();
        args.push(format!("--groups={}", list.join(",")));
    }
    args
}

/// Runs a plain program as `uid`, and insists it worked.
fn run_as(uid: u32, program: &str, args: &[&Path]) {
    let status = std::process::Command::new("setpriv")
        .args(as_user(uid, &[]))
        .arg(program)
        .args(args)
        .status()
        .expect("setpriv runs");
    assert!(
        status.success(),
        "{program} {args:?} as uid {uid}: {status}"
    );
}

/// `jwtctl` as `uid`, with the sandbox's clean environment and `JWTCTL_SECRET`.
fn jwtctl_as(uid: u32, groups: &[u32]) -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.args(as_user(uid, groups))
        .arg(assert_cmd::cargo::cargo_bin("jwtctl"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "dumb")
        .env("JWTCTL_SECRET", SECRET)
        .env("XDG_DATA_HOME", "/nonexistent/jwtctl-tests")
        .current_dir("/")
        .timeout(HANG)
        .write_stdin("");
    cmd
}

/// A sandbox other users can reach, holding `tmp/`, a sticky directory anyone may write (what
/// `/tmp` is).
fn shared_sandbox() -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    fs::set_permissions(sandbox.dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    let shared = sandbox.path("tmp");
    fs::create_dir(&shared).expect("mkdir");
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).expect("chmod");
    (sandbox, shared)
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Asserts the failure is one `error:` line (no hint needed to understand it).
fn one_line(output: &Output) {
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
}

fn issue_into(sandbox: &Sandbox, store: &Path) -> Output {
    sandbox
        .cmd()
        .args(["issue", "--sub", "alice", "--store", text(store)])
        .timeout(HANG)
        .output()
        .expect("jwtctl runs")
}

/// SECURITY.md case 44: a link another user planted at `<store>.lock` in a shared sticky
/// directory does not make root create or truncate the file it points to.
#[test]
fn a_planted_link_at_the_lock_file_is_refused() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, shared) = shared_sandbox();
    let victim = sandbox.path("victim");
    let store = shared.join("sessions.json");
    let lock = shared.join("sessions.json.lock");
    run_as(ATTACKER, "ln", &[Path::new("-s"), &victim, &lock]);
    let assert = fails(
        sandbox
            .cmd()
            .args(["issue", "--sub", "alice", "--store", text(&store)])
            .timeout(HANG)
            .assert(),
        4,
        "symbolic link",
    );
    assert!(stderr(&assert).contains(text(&lock)), "{}", stderr(&assert));
    one_line(assert.get_output());
    assert!(!victim.exists(), "followed the planted link");
    assert!(!store.exists(), "wrote a store next to a planted lock link");
}

/// The caller's own link at the lock file is not followed either: the lock file is never a link.
#[test]
fn a_link_at_the_lock_file_is_never_followed() {
    let sandbox = Sandbox::new();
    let victim = sandbox.path("victim");
    std::os::unix::fs::symlink(&victim, sandbox.path("sessions.json.lock")).expect("symlink");
    fails(
        sandbox
            .cmd()
            .args(["issue", "--sub", "alice"])
            .timeout(HANG)
            .assert(),
        4,
        "is a symbolic link",
    );
    assert!(!victim.exists());
    assert!(!sandbox.store().exists());
}

/// SECURITY.md case 44: a directory another user created in a shared sticky directory is not a
/// place for root's store: its owner could delete the store and un-revoke every session.
#[test]
fn a_strangers_directory_on_the_path_is_refused() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, shared) = shared_sandbox();
    let planted = shared.join("jwtctl");
    run_as(ATTACKER, "mkdir", &[&planted]);
    let store = planted.join("sessions.json");
    let output = issue_into(&sandbox, &store);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{err}");
    assert!(output.stdout.is_empty(), "a token was issued");
    assert!(
        err.contains(&format!("directory {}", text(&planted))),
        "{err}"
    );
    assert!(err.contains(&format!("uid {ATTACKER}")), "{err}");
    one_line(&output);
    assert_eq!(fs::read_dir(&planted).expect("read_dir").count(), 0);
}

/// SECURITY.md case 44: the same with a link to the attacker's directory as a parent.
#[test]
fn a_strangers_link_as_a_parent_directory_is_refused() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, shared) = shared_sandbox();
    let attackers = shared.join("attackers");
    run_as(ATTACKER, "mkdir", &[&attackers]);
    let planted = shared.join("jwtctl");
    run_as(ATTACKER, "ln", &[Path::new("-s"), &attackers, &planted]);
    let output = issue_into(&sandbox, &planted.join("sessions.json"));
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{err}");
    assert!(
        err.contains(&format!(
            "{} on its path is a symbolic link",
            text(&planted)
        )),
        "{err}"
    );
    one_line(&output);
    assert_eq!(fs::read_dir(&attackers).expect("read_dir").count(), 0);
}

/// Found by this audit: in a shared sticky directory another user could create the store file
/// before root's first write; root then kept its sessions in that user's file (the owner kept
/// on rewrite), which its owner can read, edit to bring revoked sessions back, or delete. A
/// lock file planted there lets its owner hold the lock. Both are refused, for reading too, as
/// the kernel's `fs.protected_regular` refuses root's `O_CREAT` of such a file.
#[test]
fn a_strangers_file_planted_as_the_store_or_its_lock_is_refused() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, shared) = shared_sandbox();
    let empty = sandbox.write(
        "empty.json",
        r#"{"version":2,"tokens":{},"revoked_families":{},"cutoffs":{}}"#,
    );
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o644)).expect("chmod");
    let store = shared.join("sessions.json");
    run_as(ATTACKER, "cp", &[&empty, &store]);
    for args in [&["issue", "--sub", "alice"][..], &["sessions"][..]] {
        let assert = fails(
            sandbox
                .cmd()
                .args(args)
                .args(["--store", text(&store)])
                .timeout(HANG)
                .assert(),
            4,
            &format!("it belongs to uid {ATTACKER}, neither root nor you"),
        );
        one_line(assert.get_output());
    }
    assert_eq!(
        fs::read(&store).expect("the store"),
        fs::read(&empty).expect("empty")
    );

    let other = shared.join("other.json");
    let lock = shared.join("other.json.lock");
    run_as(ATTACKER, "touch", &[&lock]);
    let output = issue_into(&sandbox, &other);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{err}");
    assert!(output.stdout.is_empty(), "a token was issued");
    assert!(
        err.contains(&format!(
            "its lock file {} belongs to uid {ATTACKER}",
            text(&lock)
        )),
        "{err}"
    );
    one_line(&output);
    assert!(!other.exists());

    // Files of one's own there are used as ever, by root and by the other user alike.
    let mine = shared.join("mine.json");
    assert_eq!(issue_into(&sandbox, &mine).status.code(), Some(0));
    let theirs = shared.join("theirs.json");
    jwtctl_as(ATTACKER, &[])
        .args(["issue", "--sub", "mallory", "--store", text(&theirs)])
        .assert()
        .success();
    jwtctl_as(ATTACKER, &[])
        .args(["sessions", "--store", text(&theirs)])
        .assert()
        .success();
}

/// A directory anyone may write and that is not sticky lets anyone replace the store.
#[test]
fn a_world_writable_directory_without_the_sticky_bit_is_refused() {
    let sandbox = Sandbox::new();
    let open = sandbox.path("open");
    fs::create_dir(&open).expect("mkdir");
    fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).expect("chmod");
    let output = issue_into(&sandbox, &open.join("sessions.json"));
    assert_eq!(output.status.code(), Some(4));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("writable by everyone and not sticky"), "{err}");
    assert!(!open.join("sessions.json").exists());
}

/// A service's store in the service's directory, 0640, as the service made it.
fn service_store(sandbox: &Sandbox) -> PathBuf {
    let home = sandbox.path("svc");
    fs::create_dir(&home).expect("mkdir");
    std::os::unix::fs::chown(&home, Some(SERVICE), Some(SERVICE)).expect("chown");
    fs::set_permissions(&home, fs::Permissions::from_mode(0o700)).expect("chmod");
    let store = home.join("sessions.json");
    jwtctl_as(SERVICE, &[])
        .args(["issue", "--sub", "alice", "--store", text(&store)])
        .assert()
        .success();
    fs::set_permissions(&store, fs::Permissions::from_mode(0o640)).expect("chmod");
    store
}

/// SECURITY.md case 44, issue 12: an admin's `sudo jwtctl revoke` on a service's store keeps the
/// store the service's (owner, group, mode), so the service is not locked out afterwards.
#[test]
fn root_rewriting_a_services_store_keeps_its_owner_group_and_mode() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, _) = shared_sandbox();
    let store = service_store(&sandbox);
    sandbox
        .cmd()
        .args(["revoke", "--user", "alice", "--store", text(&store)])
        .timeout(HANG)
        .assert()
        .success();
    let meta = fs::metadata(&store).expect("the store");
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (SERVICE, SERVICE, 0o640),
        "root's rewrite took the store over"
    );
    // The service goes on using it.
    jwtctl_as(SERVICE, &[])
        .args(["issue", "--sub", "bob", "--store", text(&store)])
        .assert()
        .success();
    jwtctl_as(SERVICE, &[])
        .args(["sessions", "--store", text(&store)])
        .assert()
        .success();
}

/// A group-shared store: the service's, mode 0660, group TEAM, in a directory of that group.
fn team_store(sandbox: &Sandbox) -> PathBuf {
    let home = sandbox.path("team");
    fs::create_dir(&home).expect("mkdir");
    std::os::unix::fs::chown(&home, Some(SERVICE), Some(TEAM)).expect("chown");
    fs::set_permissions(&home, fs::Permissions::from_mode(0o2770)).expect("chmod");
    let store = home.join("sessions.json");
    jwtctl_as(SERVICE, &[TEAM])
        .args(["issue", "--sub", "alice", "--store", text(&store)])
        .assert()
        .success();
    let lock = home.join("sessions.json.lock");
    for file in [&store, &lock] {
        std::os::unix::fs::chown(file, Some(SERVICE), Some(TEAM)).expect("chown");
        fs::set_permissions(file, fs::Permissions::from_mode(0o660)).expect("chmod");
    }
    store
}

/// Issue 14: a rewrite by the store's owner keeps its group and mode, so a store shared by a
/// group stays shared.
#[test]
fn a_group_shared_store_stays_shared_after_a_rewrite() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, _) = shared_sandbox();
    let store = team_store(&sandbox);
    jwtctl_as(SERVICE, &[TEAM])
        .args(["revoke", "--all", "--store", text(&store)])
        .assert()
        .success();
    let meta = fs::metadata(&store).expect("the store");
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (SERVICE, TEAM, 0o660)
    );
    // A lock file made beside the shared store is shared the same way.
    let lock = store.with_extension("json.lock");
    fs::remove_file(&lock).expect("remove the lock file");
    jwtctl_as(SERVICE, &[TEAM])
        .args(["revoke", "--user", "bob", "--store", text(&store)])
        .assert()
        .success();
    let meta = fs::metadata(&lock).expect("the lock file");
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (SERVICE, TEAM, 0o660)
    );
}

/// Issue 12: a member of the group may read the shared store but not rewrite it, which would
/// make the store the member's; one line says why, and the store is unchanged.
#[test]
fn another_users_store_is_not_taken_over_by_a_rewrite() {
    if !can_switch_users() {
        return;
    }
    let (sandbox, _) = shared_sandbox();
    let store = team_store(&sandbox);
    let before = fs::read(&store).expect("the store");
    jwtctl_as(ATTACKER, &[TEAM])
        .args(["sessions", "--store", text(&store)])
        .assert()
        .success();
    let assert = fails(
        jwtctl_as(ATTACKER, &[TEAM])
            .args(["revoke", "--all", "--store", text(&store)])
            .assert(),
        4,
        &format!("it belongs to uid {SERVICE}, not to you (uid {ATTACKER})"),
    );
    one_line(assert.get_output());
    assert_eq!(fs::read(&store).expect("the store"), before);
    assert_eq!(fs::metadata(&store).expect("the store").uid(), SERVICE);
}

/// Issue 12: `jwtctl sessions --store /etc/passwd` must not leave `/etc/passwd.lock` (which
/// breaks `useradd`): readers take no lock, and a writer creates one only for a jwtctl store.
#[test]
fn no_lock_file_is_created_beside_a_file_that_is_not_a_store() {
    let sandbox = Sandbox::new();
    let passwd = sandbox.write("passwd", "root:x:0:0:root:/root:/bin/bash\n");
    for args in [
        &["sessions"][..],
        &["sessions", "prune"][..],
        &["revoke", "--all"][..],
        &["revoke", "--user", "alice"][..],
        &["issue", "--sub", "alice"][..],
    ] {
        fails(
            sandbox
                .cmd()
                .args(args)
                .args(["--store", text(&passwd)])
                .timeout(HANG)
                .assert(),
            4,
            "is corrupt",
        );
        assert!(
            !sandbox.path("passwd.lock").exists(),
            "{args:?} left a lock"
        );
    }
    assert_eq!(
        fs::read_to_string(&passwd).expect("passwd"),
        "root:x:0:0:root:/root:/bin/bash\n"
    );
}

/// Readers take no lock, so they neither create the lock file nor wait for a writer.
#[test]
fn readers_take_no_lock() {
    let sandbox = Sandbox::new();
    let (access, _) = crate::support::issue_pair(&sandbox, "alice", &[]);
    let lock_path = sandbox.path("sessions.json.lock");
    fs::remove_file(&lock_path).expect("the lock file");
    sandbox.cmd().arg("sessions").assert().success();
    sandbox
        .cmd()
        .args(["verify", "--check-revocation", &access])
        .assert()
        .success();
    assert!(!lock_path.exists(), "a read created the lock file");

    // A writer holding the lock does not stop a reader.
    fs::write(&lock_path, b"").expect("lock file");
    let held = fs::File::open(&lock_path).expect("open");
    held.lock().expect("lock");
    sandbox
        .cmd()
        .arg("sessions")
        .timeout(HANG)
        .assert()
        .success();
    drop(held);
}

/// Issue 14: waiting for the lock is bounded by `--store-timeout`; the error names the lock file.
#[test]
fn waiting_for_the_lock_is_bounded_by_the_store_timeout() {
    let sandbox = Sandbox::new();
    crate::support::issue_pair(&sandbox, "alice", &[]);
    let lock_path = sandbox.path("sessions.json.lock");
    let held = fs::File::open(&lock_path).expect("open");
    held.lock().expect("lock");
    let before = fs::read(sandbox.store()).expect("store");
    let assert = fails(
        sandbox
            .cmd()
            .args(["revoke", "--all", "--store-timeout", "200ms"])
            .timeout(HANG)
            .assert(),
        4,
        &format!("lock file {}", text(&lock_path)),
    );
    assert!(
        stderr(&assert).contains("--store-timeout"),
        "{}",
        stderr(&assert)
    );
    assert_eq!(fs::read(sandbox.store()).expect("store"), before);
    drop(held);
    sandbox.cmd().args(["revoke", "--all"]).assert().success();
}

/// SECURITY.md case 44: a FIFO or a device at the store path is refused at once, not waited on
/// or read forever.
#[test]
fn a_fifo_or_a_device_at_the_store_path_is_refused_at_once() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let linked = sandbox.path("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &linked).expect("symlink");
    for (store, kind) in [
        (fifo.as_path(), "a FIFO"),
        (Path::new("/dev/zero"), "a device"),
        (linked.as_path(), "a device"),
    ] {
        for args in [&["sessions"][..], &["revoke", "--all"][..]] {
            fails(
                sandbox
                    .cmd()
                    .args(args)
                    .args(["--store", text(store)])
                    .timeout(HANG)
                    .assert(),
                4,
                &format!("it is {kind}, not a store file"),
            );
        }
    }
    assert!(!sandbox.path("fifo.lock").exists());
}

/// Issue 12: what a writer killed before its rename left (30 kills left 7 files of 14 MB) is
/// removed by the next write; another user's file of the same shape is left alone.
#[test]
fn the_next_write_removes_a_killed_writers_temporary_file() {
    let sandbox = Sandbox::new();
    crate::support::issue_pair(&sandbox, "alice", &[]);
    let stale = sandbox.write(".sessions.json.Ab12Cd.tmp", "{\"version\":1,\"tok");
    let unrelated = sandbox.write(".sessions.json.notes", "keep");
    crate::support::issue_pair(&sandbox, "bob", &[]);
    assert!(!stale.exists(), "a killed writer's temporary file stayed");
    assert!(unrelated.exists());
}

/// SECURITY.md case 45: a store over the documented limit is refused with the limit in the
/// message, before it is read into memory.
#[test]
fn a_store_over_the_size_limit_is_refused() {
    let sandbox = Sandbox::new();
    let file = fs::File::create(sandbox.store()).expect("create");
    // Sparse: no disk space is used.
    file.set_len(jwtctl::store::MAX_STORE_BYTES + 1)
        .expect("set_len");
    drop(file);
    for args in [&["sessions"][..], &["revoke", "--all"][..]] {
        fails(
            sandbox.cmd().args(args).timeout(HANG).assert(),
            4,
            "over the limit of 268435456 bytes (256 MiB)",
        );
    }
}

/// SECURITY.md 41: a token of mallory's carrying alice's `sid` (what `issue --no-refresh
/// --claim sid=...` used to mint) neither revokes alice's session through `revoke --token` nor
/// survives `revoke --user mallory` by hiding in alice's live family.
#[test]
fn a_borrowed_sid_neither_revokes_nor_shields() {
    let sandbox = Sandbox::new();
    let (alice_access, alice_refresh) = crate::support::issue_pair(&sandbox, "alice", &[]);
    let (_, alice_claims) = crate::forge::parts(&alice_access);
    let sid = alice_claims["sid"].as_str().expect("a sid");
    let iat = crate::forge::now() - 10;
    let mallory = crate::forge::hs256(
        &crate::forge::access_header(),
        &serde_json::json!({
            "sub": "mallory", "sid": sid, "iat": iat, "exp": iat + 3600, "jti": "m1"
        }),
    );
    sandbox
        .cmd()
        .args(["revoke", "--token", &mallory])
        .assert()
        .success()
        .stdout("revoked 0 sessions\n");
    sandbox
        .cmd()
        .args(["verify", "--check-revocation", &alice_access])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["verify", "--check-revocation", &mallory])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["revoke", "--user", "mallory"])
        .assert()
        .success();
    crate::forge::rejected(
        sandbox
            .cmd()
            .args(["verify", "--check-revocation", &mallory])
            .assert(),
        1,
        "revoked",
        &mallory,
    );
    // alice's session is untouched by both.
    sandbox
        .cmd()
        .args(["refresh", &alice_refresh])
        .assert()
        .success();
}

/// SECURITY.md 47, issue 12: a Redis URL that does not parse, or that asks for TLS without
/// verification, is a usage error (2), and no message shows its password, whether the scheme is
/// right or mistyped.
#[test]
fn a_malformed_redis_url_is_exit_2_and_never_shows_the_password() {
    let sandbox = Sandbox::new();
    for store in [
        "redis://alice:hunter2@127.0.0.1:99999/0",
        "rediss://alice:hunter2@127.0.0.1:70000",
        "Redis://alice:hunter2@127.0.0.1:6379",
        "REDISS://alice:hunter2@127.0.0.1:6379",
        "rediss:/alice:hunter2@127.0.0.1:6379",
        "redis:alice:hunter2@127.0.0.1",
        // Issue 12: a server certificate is always verified.
        "rediss://alice:hunter2@127.0.0.1:6379/0#insecure",
        "rediss+cluster://alice:hunter2@127.0.0.1:6379#insecure",
    ] {
        for command in [
            &["sessions"][..],
            &["verify", "--check-revocation", "a.b.c"][..],
        ] {
            let output = sandbox
                .cmd()
                .args(command)
                .args(["--store", store])
                .output()
                .expect("jwtctl runs");
            let err = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{store}: {err}");
            assert!(output.stdout.is_empty());
            assert!(!err.contains("hunter2"), "{store}: {err}");
            assert!(err.contains("error: store"), "{store}: {err}");
        }
    }
}

/// Issue 12: a password typed in `--store` is visible in `ps` and shell history; say so, and
/// point to JWTCTL_STORE. The same URL from JWTCTL_STORE draws no such warning.
#[test]
fn a_redis_password_on_the_command_line_is_warned_about() {
    let sandbox = Sandbox::new();
    let url = "redis://alice:hunter2@127.0.0.1:1/0";
    let typed = sandbox
        .cmd()
        .args(["sessions", "--store-timeout", "500ms", "--store", url])
        .output()
        .expect("jwtctl runs");
    let err = String::from_utf8_lossy(&typed.stderr);
    assert_eq!(typed.status.code(), Some(4), "{err}");
    assert!(
        err.lines().any(|line| line.starts_with("warning: ")
            && line.contains("`ps`")
            && line.contains("JWTCTL_STORE")),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let from_env = sandbox
        .cmd()
        .env("JWTCTL_STORE", url)
        .args(["sessions", "--store-timeout", "500ms"])
        .output()
        .expect("jwtctl runs");
    let err = String::from_utf8_lossy(&from_env.stderr);
    assert_eq!(from_env.status.code(), Some(4), "{err}");
    assert!(!err.contains("warning"), "{err}");
    // Without a password there is nothing to warn about.
    let plain = sandbox
        .cmd()
        .args(["sessions", "--store-timeout", "500ms"])
        .args(["--store", "redis://alice@127.0.0.1:1/0"])
        .output()
        .expect("jwtctl runs");
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("warning"));
}

/// How a fake Redis node on 127.0.0.1 talks: over TLS with a certificate for `127.0.0.1` from
/// `ca`, or plain; as a one-node cluster owning every slot, or as a single server.
struct FakeNode<'a> {
    tls: Option<&'a crate::http_server::TestCa>,
    cluster: bool,
}

/// A fake Redis node that answers the handshake (`PING`, `HELLO`, `CLIENT`, `SELECT`, and
/// `CLUSTER SLOTS` naming itself) and every other command with a bulk string announced as a
/// terabyte, whose bytes it sends for as long as anyone reads them. Serves every connection
/// until the test process ends.
fn endless_redis_server(node: FakeNode) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let tls = node.tls.map(crate::http_server::TestCa::server_config);
    let cluster = node.cluster;
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(socket) = socket else { continue };
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                Some(config) => {
                    let Ok(session) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    serve_endless(rustls::StreamOwned::new(session, socket), port, cluster);
                }
                None => serve_endless(socket, port, cluster),
            });
        }
    });
    port
}

/// One command: `*<n>\r\n` then n times `$<len>\r\n<arg>\r\n`, its words upper-cased; `None` at
/// the end or on garbage.
fn read_command(stream: &mut impl std::io::BufRead) -> Option<Vec<String>> {
    let mut line = String::new();
    let mut read_line = || {
        line.clear();
        stream.read_line(&mut line).ok().filter(|&n| n > 0)?;
        Some(line.trim_end().to_uppercase())
    };
    let count: usize = read_line()?.strip_prefix('*')?.parse().ok()?;
    let mut args = Vec::with_capacity(count);
    for _ in 0..count {
        read_line()?;
        args.push(read_line()?);
    }
    Some(args)
}

fn serve_endless(stream: impl std::io::Read + std::io::Write, port: u16, cluster: bool) {
    let mut stream = std::io::BufReader::new(stream);
    while let Some(command) = read_command(&mut stream) {
        let slots = format!(
            "*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n:{port}\r\n$4\r\nfake\r\n"
        );
        let reply = match command.first().map(String::as_str) {
            Some("PING") => "+PONG\r\n",
            Some("HELLO") => "%1\r\n$5\r\nproto\r\n:3\r\n",
            Some("CLIENT" | "SELECT") => "+OK\r\n",
            Some("CLUSTER") if cluster => slots.as_str(),
            _ => break,
        };
        let socket = stream.get_mut();
        if socket
            .write_all(reply.as_bytes())
            .and_then(|()| socket.flush())
            .is_err()
        {
            return;
        }
    }
    let socket = stream.get_mut();
    let chunk = vec![b'a'; 1 << 16];
    if socket.write_all(b"$1099511627776\r\n").is_err() {
        return;
    }
    // Ends when jwtctl stops reading and closes the connection.
    while socket
        .write_all(&chunk)
        .and_then(|()| socket.flush())
        .is_ok()
    {}
}

/// Runs `sessions` on `url` and expects exit 4 with the reply limit in the message.
fn cut_at_the_limit(url: &str, ca: Option<&crate::http_server::TestCa>) {
    let sandbox = Sandbox::new();
    let mut command = sandbox.cmd();
    command.args(["sessions", "--store-timeout", "20s", "--store", url]);
    if let Some(ca) = ca {
        command.env("SSL_CERT_FILE", ca.ca_file());
    }
    fails(
        command.timeout(HANG).assert(),
        4,
        &format!(
            "over the limit of {} bytes (256 MiB)",
            jwtctl::store::MAX_REPLY_BYTES
        ),
    );
}

/// SECURITY.md 45, issue 12: an endless reply used to grow the process until allocation failed
/// (exit 134). It is cut at the documented limit: exit 4 with the limit in the message.
#[test]
fn an_endless_redis_reply_is_cut_at_the_limit() {
    let port = endless_redis_server(FakeNode {
        tls: None,
        cluster: false,
    });
    cut_at_the_limit(&format!("redis://127.0.0.1:{port}/0"), None);
}

/// Issue 12: the same over RESP3.
#[test]
fn an_endless_resp3_reply_is_cut_at_the_limit() {
    let port = endless_redis_server(FakeNode {
        tls: None,
        cluster: false,
    });
    cut_at_the_limit(&format!("redis://127.0.0.1:{port}/0?protocol=resp3"), None);
}

/// Issue 12: the same over TLS (`rediss://`).
#[test]
fn an_endless_tls_redis_reply_is_cut_at_the_limit() {
    let ca = crate::http_server::TestCa::new();
    let port = endless_redis_server(FakeNode {
        tls: Some(&ca),
        cluster: false,
    });
    cut_at_the_limit(&format!("rediss://127.0.0.1:{port}/0"), Some(&ca));
}

/// Issue 12: the same from a cluster node, plain and over TLS.
#[test]
fn an_endless_reply_from_a_cluster_node_is_cut_at_the_limit() {
    let port = endless_redis_server(FakeNode {
        tls: None,
        cluster: true,
    });
    cut_at_the_limit(&format!("redis+cluster://127.0.0.1:{port}"), None);
}

#[test]
fn an_endless_reply_from_a_tls_cluster_node_is_cut_at_the_limit() {
    let ca = crate::http_server::TestCa::new();
    let port = endless_redis_server(FakeNode {
        tls: Some(&ca),
        cluster: true,
    });
    cut_at_the_limit(&format!("rediss+cluster://127.0.0.1:{port}"), Some(&ca));
}
