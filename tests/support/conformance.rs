//! The store contract, written once and run against every backend.
//!
//! Mount this file as `conformance` at the root of a test crate and expand the suite with an
//! expression that gives a fresh, empty store on each evaluation:
//!
//! ```ignore
//! #[path = "support/conformance.rs"]
//! #[macro_use]
//! mod conformance;
//!
//! store_conformance_suite!(fresh_store());
//! ```
//!
//! Each behaviour is a plain function here taking the store; the macro makes one `#[test]` per
//! function in a module `conformance_suite`, so `cargo test conformance_suite::` runs them all.
//! Only the `Store` trait is used. Times start at 2100-01-01, so a backend that also sets
//! server-side expiry from the same timestamps keeps its keys for the whole test.

#![allow(dead_code)]

use jwtctl::store::{
    AccessOutcome, LookupOutcome, MIN_CUTOFF_RETENTION, NewToken, RevokeSelector, RotateOutcome,
    SessionSummary, Store, Timestamp,
};

/// A store that keeps something alive as long as it lives: the temporary directory of a file
/// store, or the server of a Redis store. Every call goes to `inner`.
pub struct Guarded<S, G> {
    pub inner: S,
    pub guard: G,
}

impl<S: jwtctl::store::Store, G: Send> jwtctl::store::Store for Guarded<S, G> {
    fn insert(
        &mut self,
        tokens: &[jwtctl::store::NewToken],
        now: jwtctl::store::Timestamp,
    ) -> Result<(), jwtctl::store::StoreError> {
        self.inner.insert(tokens, now)
    }
    fn rotate(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        successor: &jwtctl::store::NewToken,
        now: jwtctl::store::Timestamp,
    ) -> Result<jwtctl::store::RotateOutcome, jwtctl::store::StoreError> {
        self.inner.rotate(jti, sub, family, successor, now)
    }
    fn lookup(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        now: jwtctl::store::Timestamp,
    ) -> Result<jwtctl::store::LookupOutcome, jwtctl::store::StoreError> {
        self.inner.lookup(jti, sub, family, now)
    }
    fn revoke(
        &mut self,
        selector: &jwtctl::store::RevokeSelector,
        now: jwtctl::store::Timestamp,
    ) -> Result<u64, jwtctl::store::StoreError> {
        self.inner.revoke(selector, now)
    }
    fn check_access(
        &mut self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: jwtctl::store::Timestamp,
        now: jwtctl::store::Timestamp,
    ) -> Result<jwtctl::store::AccessOutcome, jwtctl::store::StoreError> {
        self.inner.check_access(sub, family, issued_at, now)
    }
    fn check_access_many(
        &mut self,
        queries: &[jwtctl::store::AccessQuery<'_>],
        now: jwtctl::store::Timestamp,
    ) -> Result<Vec<jwtctl::store::AccessOutcome>, jwtctl::store::StoreError> {
        self.inner.check_access_many(queries, now)
    }
    fn sessions(
        &mut self,
        sub: Option<&str>,
        now: jwtctl::store::Timestamp,
    ) -> Result<Vec<jwtctl::store::SessionSummary>, jwtctl::store::StoreError> {
        self.inner.sessions(sub, now)
    }
    fn prune(&mut self, now: jwtctl::store::Timestamp) -> Result<u64, jwtctl::store::StoreError> {
        self.inner.prune(now)
    }
}

/// The suite: one `#[test]` per behaviour below, each on a store made by `$make`.
#[macro_export]
macro_rules! store_conformance_suite {
    ($make:expr) => {
        $crate::store_conformance_suite!(@tests $make;
            empty_store_knows_nothing,
            insert_then_sessions_lists_each_family,
            sessions_filter_by_subject,
            insert_is_all_or_nothing,
            insert_refuses_an_existing_family,
            rotate_active_token_records_successor,
            rotate_chain_keeps_one_session,
            reuse_revokes_the_whole_family_including_the_newest_token,
            reuse_leaves_other_families_alone,
            rotate_revoked_token_is_refused_and_changes_nothing,
            rotate_unknown_token_changes_nothing,
            rotate_with_wrong_subject_is_unknown,
            rotate_with_wrong_family_is_unknown,
            rotate_refuses_a_successor_that_does_not_fit,
            lookup_reports_each_state_without_changing_it,
            revoke_user_revokes_every_family_of_that_user,
            revoke_family_revokes_only_that_family,
            revoke_all_revokes_every_family,
            revoke_with_nothing_to_revoke_returns_zero,
            revoke_counts_families_not_tokens,
            cutoff_refuses_access_tokens_issued_until_then,
            new_family_after_cutoff_in_the_same_second_is_allowed,
            cutoff_is_kept_at_least_min_retention,
            cutoff_outlives_the_users_longest_token,
            revoked_family_refuses_access_tokens_until_they_expire,
            family_revocation_outlives_a_longer_access_token,
            family_revocation_takes_precedence_over_everything,
            access_without_store_knowledge_is_allowed,
            expired_sessions_are_not_listed,
            expired_tokens_are_unknown,
            prune_drops_expired_records_and_counts_them,
            rotated_records_are_kept_until_they_expire,
            prune_forgets_revoked_families_and_cutoffs_when_their_time_is_over,
            labels_follow_the_active_token,
            session_start_and_last_rotation_survive_pruning,
            a_family_is_honoured_only_for_its_own_subject,
            revoke_family_of_another_subject_revokes_nothing,
        );
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        mod conformance_suite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    let store: Box<dyn jwtctl::store::Store> = $make;
                    $crate::conformance::$name(store);
                }
            )*
        }
    };
}

/// 2100-01-01T00:00:00Z.
pub const T0: Timestamp = 4_102_444_800;
/// Refresh token lifetime used by [`tok`].
pub const REFRESH_TTL: Timestamp = 30 * 24 * 60 * 60;
/// Access token lifetime used by [`tok`].
pub const ACCESS_TTL: Timestamp = 15 * 60;

/// A refresh token issued at `iat` with the usual lifetimes.
pub fn tok(jti: &str, sub: &str, family: &str, iat: Timestamp) -> NewToken {
    NewToken {
        jti: jti.to_owned(),
        sub: sub.to_owned(),
        family: family.to_owned(),
        issued_at: iat,
        expires_at: iat + REFRESH_TTL,
        access_expires_at: iat + ACCESS_TTL,
        label: None,
    }
}

pub fn labelled(mut token: NewToken, label: &str) -> NewToken {
    token.label = Some(label.to_owned());
    token
}

pub fn with_times(
    mut token: NewToken,
    expires_at: Timestamp,
    access_expires_at: Timestamp,
) -> NewToken {
    token.expires_at = expires_at;
    token.access_expires_at = access_expires_at;
    token
}

/// Rotates `old` (of `sub`, `family`) to a fresh token `new` issued at `now`.
pub fn rotate(
    store: &mut dyn Store,
    old: &str,
    new: &str,
    sub: &str,
    family: &str,
    now: Timestamp,
) -> RotateOutcome {
    store
        .rotate(old, sub, family, &tok(new, sub, family, now), now)
        .expect("rotate")
}

pub fn lookup(
    store: &mut dyn Store,
    jti: &str,
    sub: &str,
    family: &str,
    now: Timestamp,
) -> LookupOutcome {
    store.lookup(jti, sub, family, now).expect("lookup")
}

pub fn families(store: &mut dyn Store, sub: Option<&str>, now: Timestamp) -> Vec<String> {
    store
        .sessions(sub, now)
        .expect("sessions")
        .into_iter()
        .map(|session| session.family)
        .collect()
}

/// `check_access`, and the same question through `check_access_many` (with a token of
/// nobody's around it) must get the same answer: every access case checks both.
pub fn access(
    store: &mut dyn Store,
    sub: Option<&str>,
    family: Option<&str>,
    issued_at: Timestamp,
    now: Timestamp,
) -> AccessOutcome {
    let one = store
        .check_access(sub, family, issued_at, now)
        .expect("check_access");
    let stranger = jwtctl::store::AccessQuery {
        sub: Some("nobody-at-all"),
        family: Some("no-such-family"),
        issued_at,
    };
    let query = jwtctl::store::AccessQuery {
        sub,
        family,
        issued_at,
    };
    let many = store
        .check_access_many(&[stranger, query, stranger, query], now)
        .expect("check_access_many");
    assert_eq!(
        many,
        vec![
            AccessOutcome::Allowed,
            one.clone(),
            AccessOutcome::Allowed,
            one.clone()
        ],
        "check_access_many disagrees with check_access"
    );
    one
}

fn family_revoked(family: &str) -> AccessOutcome {
    AccessOutcome::FamilyRevoked {
        family: family.to_owned(),
    }
}

fn reuse(family: &str) -> RotateOutcome {
    RotateOutcome::ReuseDetected {
        family: family.to_owned(),
    }
}

/// alice has two sessions (F1 then F3), bob one (F2).
fn three_sessions(store: &mut dyn Store) {
    store
        .insert(
            &[
                labelled(tok("a1", "alice", "F1", T0), "laptop"),
                tok("b1", "bob", "F2", T0 + 10),
                tok("a3", "alice", "F3", T0 + 20),
            ],
            T0 + 20,
        )
        .expect("insert");
}

pub fn empty_store_knows_nothing(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    assert_eq!(store.sessions(None, T0).expect("sessions"), vec![]);
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0),
        LookupOutcome::Unknown
    );
    assert_eq!(
        access(store, Some("alice"), Some("F1"), T0, T0),
        AccessOutcome::Allowed
    );
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0),
        RotateOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", T0),
        LookupOutcome::Unknown
    );
    assert_eq!(store.prune(T0).expect("prune"), 0);
    store.insert(&[], T0).expect("inserting nothing");
    assert_eq!(store.sessions(None, T0).expect("sessions"), vec![]);
}

pub fn insert_then_sessions_lists_each_family(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let sessions = store.sessions(None, T0 + 30).expect("sessions");
    assert_eq!(
        sessions,
        vec![
            SessionSummary {
                sub: "alice".into(),
                family: "F1".into(),
                label: Some("laptop".into()),
                started_at: T0,
                expires_at: T0 + REFRESH_TTL,
                last_rotated_at: None,
            },
            SessionSummary {
                sub: "bob".into(),
                family: "F2".into(),
                label: None,
                started_at: T0 + 10,
                expires_at: T0 + 10 + REFRESH_TTL,
                last_rotated_at: None,
            },
            SessionSummary {
                sub: "alice".into(),
                family: "F3".into(),
                label: None,
                started_at: T0 + 20,
                expires_at: T0 + 20 + REFRESH_TTL,
                last_rotated_at: None,
            },
        ]
    );
    for (jti, sub, family) in [
        ("a1", "alice", "F1"),
        ("b1", "bob", "F2"),
        ("a3", "alice", "F3"),
    ] {
        assert_eq!(
            lookup(store, jti, sub, family, T0 + 30),
            LookupOutcome::Active
        );
    }
}

pub fn sessions_filter_by_subject(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    // Same start: ordered by family.
    store
        .insert(
            &[tok("c2", "carol", "G2", T0), tok("c1", "carol", "G1", T0)],
            T0,
        )
        .expect("insert");
    assert_eq!(families(store, Some("alice"), T0 + 30), ["F1", "F3"]);
    assert_eq!(families(store, Some("bob"), T0 + 30), ["F2"]);
    assert_eq!(families(store, Some("carol"), T0 + 30), ["G1", "G2"]);
    assert_eq!(
        families(store, Some("nobody"), T0 + 30),
        Vec::<String>::new()
    );
    assert_eq!(
        families(store, None, T0 + 30),
        ["F1", "G1", "G2", "F2", "F3"]
    );
}

pub fn insert_is_all_or_nothing(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    // The second token reuses a recorded jti: neither is recorded.
    let result = store.insert(
        &[
            tok("x1", "xavier", "X1", T0),
            tok("a1", "mallory", "M1", T0),
        ],
        T0,
    );
    assert!(result.is_err(), "duplicate jti accepted: {result:?}");
    assert_eq!(
        lookup(store, "x1", "xavier", "X1", T0),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0),
        LookupOutcome::Active
    );
    assert_eq!(
        lookup(store, "a1", "mallory", "M1", T0),
        LookupOutcome::Unknown
    );
    // Two new tokens sharing a jti, or a family, in one call.
    let result = store.insert(
        &[tok("y1", "yves", "Y1", T0), tok("y1", "yves", "Y2", T0)],
        T0,
    );
    assert!(
        result.is_err(),
        "jti twice in one call accepted: {result:?}"
    );
    let result = store.insert(
        &[tok("y1", "yves", "Y1", T0), tok("y2", "yves", "Y1", T0)],
        T0,
    );
    assert!(
        result.is_err(),
        "family twice in one call accepted: {result:?}"
    );
    assert_eq!(families(store, None, T0), ["F1"]);
}

pub fn insert_refuses_an_existing_family(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    let result = store.insert(&[tok("a2", "alice", "F1", T0 + 1)], T0 + 1);
    assert!(
        result.is_err(),
        "second first token of F1 accepted: {result:?}"
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", T0 + 1),
        LookupOutcome::Unknown
    );
    // A revoked family cannot be brought back by inserting into it.
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), T0 + 2)
            .expect("revoke"),
        1
    );
    let result = store.insert(&[tok("a3", "alice", "F1", T0 + 3)], T0 + 3);
    assert!(
        result.is_err(),
        "insert into a revoked family accepted: {result:?}"
    );
    assert_eq!(
        access(store, None, Some("F1"), T0 + 3, T0 + 3),
        family_revoked("F1")
    );
}

pub fn rotate_active_token_records_successor(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 101),
        LookupOutcome::Rotated
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", T0 + 101),
        LookupOutcome::Active
    );
    let sessions = store.sessions(Some("alice"), T0 + 101).expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(
        sessions[0],
        SessionSummary {
            sub: "alice".into(),
            family: "F1".into(),
            label: None,
            started_at: T0,
            expires_at: T0 + 100 + REFRESH_TTL,
            last_rotated_at: Some(T0 + 100),
        }
    );
    assert_eq!(
        access(store, Some("alice"), Some("F1"), T0 + 100, T0 + 101),
        AccessOutcome::Allowed
    );
}

pub fn rotate_chain_keeps_one_session(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(&[tok("r0", "alice", "F1", T0)], T0)
        .expect("insert");
    let chain = ["r0", "r1", "r2", "r3", "r4", "r5"];
    for (step, pair) in chain.windows(2).enumerate() {
        let now = T0 + 60 * (step as Timestamp + 1);
        assert_eq!(
            rotate(store, pair[0], pair[1], "alice", "F1", now),
            RotateOutcome::Rotated
        );
    }
    let now = T0 + 60 * 5;
    let sessions = store.sessions(None, now).expect("sessions");
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].started_at, T0);
    assert_eq!(sessions[0].last_rotated_at, Some(now));
    assert_eq!(sessions[0].expires_at, now + REFRESH_TTL);
    for old in &chain[..5] {
        assert_eq!(
            lookup(store, old, "alice", "F1", now),
            LookupOutcome::Rotated,
            "{old}"
        );
    }
    assert_eq!(
        lookup(store, "r5", "alice", "F1", now),
        LookupOutcome::Active
    );
}

pub fn reuse_revokes_the_whole_family_including_the_newest_token(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(&[tok("t1", "alice", "F1", T0)], T0)
        .expect("insert");
    assert_eq!(
        rotate(store, "t1", "t2", "alice", "F1", T0 + 10),
        RotateOutcome::Rotated
    );
    assert_eq!(
        rotate(store, "t2", "t3", "alice", "F1", T0 + 20),
        RotateOutcome::Rotated
    );
    // t2 presented again (stolen copy): the family dies, t3 included.
    assert_eq!(
        rotate(store, "t2", "t9", "alice", "F1", T0 + 30),
        reuse("F1")
    );
    assert_eq!(
        lookup(store, "t9", "alice", "F1", T0 + 31),
        LookupOutcome::Unknown
    );
    for jti in ["t1", "t2", "t3"] {
        assert_eq!(
            lookup(store, jti, "alice", "F1", T0 + 31),
            LookupOutcome::Revoked,
            "{jti}"
        );
    }
    assert_eq!(
        rotate(store, "t3", "t4", "alice", "F1", T0 + 32),
        RotateOutcome::Revoked
    );
    assert_eq!(
        rotate(store, "t1", "t5", "alice", "F1", T0 + 33),
        RotateOutcome::Revoked
    );
    assert_eq!(
        lookup(store, "t4", "alice", "F1", T0 + 33),
        LookupOutcome::Unknown
    );
    assert_eq!(families(store, None, T0 + 33), Vec::<String>::new());
    assert_eq!(
        access(store, Some("alice"), Some("F1"), T0 + 20, T0 + 33),
        family_revoked("F1")
    );
}

pub fn reuse_leaves_other_families_alone(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        rotate(store, "a1", "a9", "alice", "F1", T0 + 200),
        reuse("F1")
    );
    assert_eq!(families(store, None, T0 + 200), ["F2", "F3"]);
    assert_eq!(
        lookup(store, "a3", "alice", "F3", T0 + 200),
        LookupOutcome::Active
    );
    assert_eq!(
        access(store, Some("alice"), Some("F3"), T0 + 20, T0 + 200),
        AccessOutcome::Allowed
    );
    // Reuse is not a user cut-off.
    assert_eq!(
        access(store, Some("alice"), None, T0 + 20, T0 + 200),
        AccessOutcome::Allowed
    );
}

pub fn rotate_revoked_token_is_refused_and_changes_nothing(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), T0 + 50)
            .expect("revoke"),
        1
    );
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 60),
        RotateOutcome::Revoked
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", T0 + 60),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 60),
        LookupOutcome::Revoked
    );
    assert_eq!(families(store, None, T0 + 60), ["F2", "F3"]);
}

pub fn rotate_unknown_token_changes_nothing(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "zz", "z2", "alice", "F1", T0 + 60),
        RotateOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "z2", "alice", "F1", T0 + 60),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 60),
        LookupOutcome::Active
    );
    assert_eq!(families(store, None, T0 + 60), ["F1", "F2", "F3"]);
}

pub fn rotate_with_wrong_subject_is_unknown(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    // bob's (correctly signed) token cannot trade alice's jti.
    assert_eq!(
        rotate(store, "a1", "m2", "bob", "F1", T0 + 60),
        RotateOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 60),
        LookupOutcome::Active
    );
    assert_eq!(
        lookup(store, "m2", "bob", "F1", T0 + 60),
        LookupOutcome::Unknown
    );
    // And a second attempt is not mistaken for reuse.
    assert_eq!(
        rotate(store, "a1", "m3", "bob", "F1", T0 + 61),
        RotateOutcome::Unknown
    );
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 62),
        RotateOutcome::Rotated
    );
}

pub fn rotate_with_wrong_family_is_unknown(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F3", T0 + 60),
        RotateOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 60),
        LookupOutcome::Active
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F3", T0 + 60),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a3", "alice", "F3", T0 + 60),
        LookupOutcome::Active
    );
}

pub fn rotate_refuses_a_successor_that_does_not_fit(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let cases = [
        tok("a2", "alice", "F3", T0 + 60), // another family
        tok("a2", "bob", "F1", T0 + 60),   // another subject
        tok("b1", "alice", "F1", T0 + 60), // a jti already recorded
        tok("a1", "alice", "F1", T0 + 60), // itself
    ];
    for successor in cases {
        let result = store.rotate("a1", "alice", "F1", &successor, T0 + 60);
        assert!(
            result.is_err(),
            "successor {successor:?} accepted: {result:?}"
        );
    }
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 60),
        LookupOutcome::Active
    );
    assert_eq!(
        lookup(store, "b1", "bob", "F2", T0 + 60),
        LookupOutcome::Active
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", T0 + 60),
        LookupOutcome::Unknown
    );
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 61),
        RotateOutcome::Rotated
    );
}

pub fn lookup_reports_each_state_without_changing_it(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F2".into()), T0 + 100)
            .expect("revoke"),
        1
    );
    for _ in 0..2 {
        assert_eq!(
            lookup(store, "a1", "alice", "F1", T0 + 200),
            LookupOutcome::Rotated
        );
    }
    // Looking up a rotated token is not reuse: the family lives on.
    assert_eq!(
        lookup(store, "a2", "alice", "F1", T0 + 200),
        LookupOutcome::Active
    );
    assert_eq!(
        lookup(store, "b1", "bob", "F2", T0 + 200),
        LookupOutcome::Revoked
    );
    assert_eq!(
        lookup(store, "nope", "alice", "F1", T0 + 200),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a2", "bob", "F1", T0 + 200),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F3", T0 + 200),
        LookupOutcome::Unknown
    );
    assert_eq!(families(store, None, T0 + 200), ["F1", "F3"]);
}

pub fn revoke_user_revokes_every_family_of_that_user(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), T0 + 200)
            .expect("revoke"),
        2
    );
    assert_eq!(families(store, None, T0 + 200), ["F2"]);
    for (jti, family) in [("a1", "F1"), ("a2", "F1"), ("a3", "F3")] {
        assert_eq!(
            lookup(store, jti, "alice", family, T0 + 200),
            LookupOutcome::Revoked,
            "{jti}"
        );
    }
    assert_eq!(
        rotate(store, "a2", "a4", "alice", "F1", T0 + 201),
        RotateOutcome::Revoked
    );
    assert_eq!(
        lookup(store, "b1", "bob", "F2", T0 + 201),
        LookupOutcome::Active
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), T0 + 300)
            .expect("revoke"),
        0
    );
}

pub fn revoke_family_revokes_only_that_family(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F3".into()), T0 + 200)
            .expect("revoke"),
        1
    );
    assert_eq!(families(store, None, T0 + 200), ["F1", "F2"]);
    assert_eq!(
        lookup(store, "a3", "alice", "F3", T0 + 200),
        LookupOutcome::Revoked
    );
    assert_eq!(
        lookup(store, "a1", "alice", "F1", T0 + 200),
        LookupOutcome::Active
    );
    // A family revocation is not a user cut-off.
    assert_eq!(
        access(store, Some("alice"), None, T0 + 20, T0 + 200),
        AccessOutcome::Allowed
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F3".into()), T0 + 300)
            .expect("revoke"),
        0
    );
}

pub fn revoke_all_revokes_every_family(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "b1", "b2", "bob", "F2", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::All, T0 + 200)
            .expect("revoke"),
        3
    );
    assert_eq!(families(store, None, T0 + 200), Vec::<String>::new());
    for (jti, sub, family) in [
        ("a1", "alice", "F1"),
        ("b2", "bob", "F2"),
        ("a3", "alice", "F3"),
    ] {
        assert_eq!(
            lookup(store, jti, sub, family, T0 + 200),
            LookupOutcome::Revoked,
            "{jti}"
        );
        assert_eq!(
            access(store, Some(sub), Some(family), T0 + 100, T0 + 200),
            family_revoked(family)
        );
    }
    assert_eq!(
        store
            .revoke(&RevokeSelector::All, T0 + 300)
            .expect("revoke"),
        0
    );
}

pub fn revoke_with_nothing_to_revoke_returns_zero(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    assert_eq!(
        store.revoke(&RevokeSelector::All, T0).expect("revoke all"),
        0
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), T0)
            .expect("revoke family"),
        0
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), T0)
            .expect("revoke user"),
        0
    );
    three_sessions(store);
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("nope".into()), T0 + 30)
            .expect("revoke"),
        0
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("nobody".into()), T0 + 30)
            .expect("revoke"),
        0
    );
    assert_eq!(families(store, None, T0 + 30), ["F1", "F2", "F3"]);
}

pub fn revoke_counts_families_not_tokens(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    for (step, pair) in ["a1", "a2", "a4", "a5"].windows(2).enumerate() {
        let now = T0 + 100 + step as Timestamp;
        assert_eq!(
            rotate(store, pair[0], pair[1], "alice", "F1", now),
            RotateOutcome::Rotated
        );
    }
    // F2 dies of reuse first: no longer live, not counted again.
    assert_eq!(
        rotate(store, "b1", "b2", "bob", "F2", T0 + 110),
        RotateOutcome::Rotated
    );
    assert_eq!(
        rotate(store, "b1", "b3", "bob", "F2", T0 + 111),
        reuse("F2")
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::All, T0 + 200)
            .expect("revoke"),
        2
    );
}

pub fn cutoff_refuses_access_tokens_issued_until_then(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let cut = T0 + 500;
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), cut)
            .expect("revoke"),
        2
    );
    let cut_off = AccessOutcome::UserCutOff {
        sub: "alice".into(),
        at: cut,
    };
    // An access token without `sid` (issued without a refresh token), issued up to the cut-off.
    assert_eq!(access(store, Some("alice"), None, T0, cut + 1), cut_off);
    assert_eq!(access(store, Some("alice"), None, cut, cut + 1), cut_off);
    assert_eq!(
        access(store, Some("alice"), None, cut + 1, cut + 1),
        AccessOutcome::Allowed
    );
    // One whose family is unknown to the store is judged by the cut-off too.
    assert_eq!(
        access(store, Some("alice"), Some("elsewhere"), cut, cut + 1),
        cut_off
    );
    // Its sessions' own families are revoked, which is reported first.
    assert_eq!(
        access(store, Some("alice"), Some("F1"), T0, cut + 1),
        family_revoked("F1")
    );
    // Other subjects are untouched.
    assert_eq!(
        access(store, Some("bob"), None, T0, cut + 1),
        AccessOutcome::Allowed
    );
    assert_eq!(
        access(store, Some("bob"), Some("F2"), T0 + 10, cut + 1),
        AccessOutcome::Allowed
    );
    assert_eq!(
        access(store, None, None, T0, cut + 1),
        AccessOutcome::Allowed
    );
}

pub fn new_family_after_cutoff_in_the_same_second_is_allowed(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let cut = T0 + 500;
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), cut)
            .expect("revoke"),
        2
    );
    // alice logs in again within the same second.
    store
        .insert(&[tok("n1", "alice", "N1", cut)], cut)
        .expect("insert");
    assert_eq!(
        access(store, Some("alice"), Some("N1"), cut, cut),
        AccessOutcome::Allowed
    );
    assert_eq!(families(store, Some("alice"), cut), ["N1"]);
    assert_eq!(
        rotate(store, "n1", "n2", "alice", "N1", cut),
        RotateOutcome::Rotated
    );
    assert_eq!(
        access(store, Some("alice"), Some("N1"), cut, cut),
        AccessOutcome::Allowed
    );
    // Without a `sid` the store cannot tell, so the cut-off applies.
    assert_eq!(
        access(store, Some("alice"), None, cut, cut),
        AccessOutcome::UserCutOff {
            sub: "alice".into(),
            at: cut,
        }
    );
}

pub fn cutoff_is_kept_at_least_min_retention(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    // A subject the store has no session of (only access tokens were issued).
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("ci".into()), T0)
            .expect("revoke"),
        0
    );
    let cut_off = AccessOutcome::UserCutOff {
        sub: "ci".into(),
        at: T0,
    };
    assert_eq!(
        access(
            store,
            Some("ci"),
            None,
            T0 - 5,
            T0 + MIN_CUTOFF_RETENTION - 1
        ),
        cut_off
    );
    assert_eq!(
        store.prune(T0 + MIN_CUTOFF_RETENTION - 1).expect("prune"),
        0
    );
    assert_eq!(
        access(
            store,
            Some("ci"),
            None,
            T0 - 5,
            T0 + MIN_CUTOFF_RETENTION - 1
        ),
        cut_off
    );
    assert_eq!(
        access(store, Some("ci"), None, T0 - 5, T0 + MIN_CUTOFF_RETENTION),
        AccessOutcome::Allowed
    );
}

pub fn cutoff_outlives_the_users_longest_token(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    let long = T0 + 3 * MIN_CUTOFF_RETENTION;
    store
        .insert(
            &[with_times(tok("a1", "alice", "F1", T0), T0 + 60, long)],
            T0,
        )
        .expect("insert");
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), T0 + 10)
            .expect("revoke"),
        1
    );
    let cut_off = AccessOutcome::UserCutOff {
        sub: "alice".into(),
        at: T0 + 10,
    };
    assert_eq!(access(store, Some("alice"), None, T0, long - 1), cut_off);
    assert_eq!(store.prune(long - 1).expect("prune"), 0);
    assert_eq!(access(store, Some("alice"), None, T0, long - 1), cut_off);
    assert_eq!(
        access(store, Some("alice"), None, T0, long),
        AccessOutcome::Allowed
    );
}

pub fn revoked_family_refuses_access_tokens_until_they_expire(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "b1", "b2", "bob", "F2", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F2".into()), T0 + 200)
            .expect("revoke"),
        1
    );
    // The latest token of F2 (b2) expires last: T0 + 100 + REFRESH_TTL.
    let last = T0 + 100 + REFRESH_TTL;
    assert_eq!(
        access(store, Some("bob"), Some("F2"), T0 + 100, T0 + 201),
        family_revoked("F2")
    );
    assert_eq!(
        access(store, None, Some("F2"), T0 + 100, last - 1),
        family_revoked("F2")
    );
    assert_eq!(
        access(store, None, Some("F2"), T0 + 100, last),
        AccessOutcome::Allowed
    );
}

pub fn family_revocation_outlives_a_longer_access_token(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    // An access token that outlives its refresh token (odd, but configurable).
    let access_exp = T0 + 2 * REFRESH_TTL;
    store
        .insert(
            &[with_times(
                tok("a1", "alice", "F1", T0),
                T0 + REFRESH_TTL,
                access_exp,
            )],
            T0,
        )
        .expect("insert");
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), T0 + 10)
            .expect("revoke"),
        1
    );
    assert_eq!(store.prune(access_exp - 1).expect("prune"), 0);
    assert_eq!(
        access(store, None, Some("F1"), T0, access_exp - 1),
        family_revoked("F1")
    );
    assert_eq!(
        access(store, None, Some("F1"), T0, access_exp),
        AccessOutcome::Allowed
    );
}

pub fn family_revocation_takes_precedence_over_everything(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), T0 + 100)
            .expect("revoke"),
        1
    );
    // Issued after the revocation (cannot happen honestly): the family is still dead.
    assert_eq!(
        access(store, Some("alice"), Some("F1"), T0 + 200, T0 + 200),
        family_revoked("F1")
    );
    assert_eq!(
        access(store, None, Some("F1"), T0 + 200, T0 + 200),
        family_revoked("F1")
    );
}

pub fn access_without_store_knowledge_is_allowed(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        access(store, Some("zoe"), Some("Z1"), T0, T0 + 30),
        AccessOutcome::Allowed
    );
    assert_eq!(
        access(store, Some("zoe"), None, T0, T0 + 30),
        AccessOutcome::Allowed
    );
    assert_eq!(
        access(store, None, Some("Z1"), T0, T0 + 30),
        AccessOutcome::Allowed
    );
    assert_eq!(
        access(store, None, None, T0, T0 + 30),
        AccessOutcome::Allowed
    );
}

pub fn expired_sessions_are_not_listed(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let f1_exp = T0 + REFRESH_TTL;
    assert_eq!(families(store, None, f1_exp - 1), ["F1", "F2", "F3"]);
    assert_eq!(families(store, None, f1_exp), ["F2", "F3"]);
    assert_eq!(families(store, Some("alice"), f1_exp), ["F3"]);
    assert_eq!(
        families(store, None, T0 + 20 + REFRESH_TTL),
        Vec::<String>::new()
    );
    // An expired session is not live: revoking it counts nothing.
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), f1_exp)
            .expect("revoke"),
        0
    );
}

pub fn expired_tokens_are_unknown(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let f1_exp = T0 + REFRESH_TTL;
    assert_eq!(
        lookup(store, "a1", "alice", "F1", f1_exp - 1),
        LookupOutcome::Active
    );
    // Once both its refresh and access token have expired, a record no longer exists.
    assert_eq!(
        lookup(store, "a1", "alice", "F1", f1_exp),
        LookupOutcome::Unknown
    );
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", f1_exp),
        RotateOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", f1_exp),
        LookupOutcome::Unknown
    );
}

pub fn prune_drops_expired_records_and_counts_them(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        rotate(store, "b1", "b2", "bob", "F2", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(store.prune(T0 + 50).expect("prune"), 0);
    // a1 (F1) and b1 (rotated) expire at T0 + REFRESH_TTL and T0 + 10 + REFRESH_TTL.
    assert_eq!(store.prune(T0 + 10 + REFRESH_TTL).expect("prune"), 2);
    assert_eq!(store.prune(T0 + 10 + REFRESH_TTL).expect("prune again"), 0);
    let now = T0 + 10 + REFRESH_TTL;
    assert_eq!(
        lookup(store, "a1", "alice", "F1", now),
        LookupOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "b1", "bob", "F2", now),
        LookupOutcome::Unknown
    );
    assert_eq!(lookup(store, "b2", "bob", "F2", now), LookupOutcome::Active);
    assert_eq!(families(store, None, now), ["F2", "F3"]);
    // The rest, at the end of time.
    assert_eq!(store.prune(T0 + 100 + REFRESH_TTL).expect("prune"), 2);
    assert_eq!(
        families(store, None, T0 + 100 + REFRESH_TTL),
        Vec::<String>::new()
    );
}

pub fn rotated_records_are_kept_until_they_expire(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(
            &[tok("a1", "alice", "F1", T0), tok("b1", "bob", "F2", T0)],
            T0,
        )
        .expect("insert");
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", T0 + 100),
        RotateOutcome::Rotated
    );
    assert_eq!(
        rotate(store, "b1", "b2", "bob", "F2", T0 + 100),
        RotateOutcome::Rotated
    );
    let a1_exp = T0 + REFRESH_TTL;
    // Until the rotated token expires, presenting it is still reuse.
    assert_eq!(store.prune(a1_exp - 1).expect("prune"), 0);
    assert_eq!(
        lookup(store, "a1", "alice", "F1", a1_exp - 1),
        LookupOutcome::Rotated
    );
    assert_eq!(
        rotate(store, "a1", "a9", "alice", "F1", a1_exp - 1),
        reuse("F1")
    );
    assert_eq!(
        lookup(store, "a2", "alice", "F1", a1_exp - 1),
        LookupOutcome::Revoked
    );
    // After it expired, it is just unknown, and its successor lives on.
    assert_eq!(store.prune(a1_exp).expect("prune"), 2); // a1 and b1
    assert_eq!(
        rotate(store, "b1", "b9", "bob", "F2", a1_exp),
        RotateOutcome::Unknown
    );
    assert_eq!(
        lookup(store, "b2", "bob", "F2", a1_exp),
        LookupOutcome::Active
    );
    let sessions = store.sessions(None, a1_exp).expect("sessions");
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].family, "F2");
}

pub fn prune_forgets_revoked_families_and_cutoffs_when_their_time_is_over(
    mut store: Box<dyn Store>,
) {
    let store = store.as_mut();
    three_sessions(store);
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F2".into()), T0 + 30)
            .expect("revoke"),
        1
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("carol".into()), T0 + 30)
            .expect("revoke"),
        0
    );
    let f2_until = T0 + 10 + REFRESH_TTL;
    let carol_until = T0 + 30 + MIN_CUTOFF_RETENTION;
    assert_eq!(store.prune(carol_until - 1).expect("prune"), 0);
    assert!(matches!(
        access(store, Some("carol"), None, T0, carol_until - 1),
        AccessOutcome::UserCutOff { .. }
    ));
    assert_eq!(store.prune(carol_until).expect("prune"), 0);
    assert_eq!(
        access(store, Some("carol"), None, T0, carol_until),
        AccessOutcome::Allowed
    );
    assert_eq!(
        access(store, None, Some("F2"), T0, f2_until - 1),
        family_revoked("F2")
    );
    // Pruning at F1's and F2's expiry drops their two token records and forgets F2.
    assert_eq!(store.prune(f2_until).expect("prune"), 2);
    assert_eq!(
        access(store, None, Some("F2"), T0, f2_until),
        AccessOutcome::Allowed
    );
    assert_eq!(families(store, None, f2_until), ["F3"]);
}

pub fn labels_follow_the_active_token(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(
            &[
                labelled(tok("a1", "alice", "F1", T0), "laptop"),
                labelled(
                    tok("b1", "bob", "F2", T0),
                    "CI job \"nightly\" \u{1F680} \n",
                ),
                tok("c1", "carol", "F3", T0),
            ],
            T0,
        )
        .expect("insert");
    let labels = |store: &mut dyn Store, now| -> Vec<Option<String>> {
        store
            .sessions(None, now)
            .expect("sessions")
            .into_iter()
            .map(|session| session.label)
            .collect()
    };
    assert_eq!(
        labels(store, T0),
        [
            Some("laptop".to_owned()),
            Some("CI job \"nightly\" \u{1F680} \n".to_owned()),
            None
        ]
    );
    // The successor's label is shown; a successor without one shows none.
    let renamed = labelled(tok("a2", "alice", "F1", T0 + 5), "laptop (renamed)");
    assert_eq!(
        store
            .rotate("a1", "alice", "F1", &renamed, T0 + 5)
            .expect("rotate"),
        RotateOutcome::Rotated
    );
    assert_eq!(
        rotate(store, "b1", "b2", "bob", "F2", T0 + 5),
        RotateOutcome::Rotated
    );
    assert_eq!(
        labels(store, T0 + 5),
        [Some("laptop (renamed)".to_owned()), None, None]
    );
}

pub fn session_start_and_last_rotation_survive_pruning(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    let first_rotation = T0 + REFRESH_TTL - 100;
    assert_eq!(
        rotate(store, "a1", "a2", "alice", "F1", first_rotation),
        RotateOutcome::Rotated
    );
    // a1 has expired and is pruned; the session still started at T0.
    let now = T0 + REFRESH_TTL;
    assert_eq!(store.prune(now).expect("prune"), 1);
    let summary = |store: &mut dyn Store, now| {
        let sessions = store.sessions(None, now).expect("sessions");
        assert_eq!(sessions.len(), 1, "{sessions:?}");
        (sessions[0].started_at, sessions[0].last_rotated_at)
    };
    assert_eq!(summary(store, now), (T0, Some(first_rotation)));
    // a2 is rotated just before it expires, then pruned: still the same session.
    let second_rotation = first_rotation + REFRESH_TTL - 100;
    assert_eq!(
        rotate(store, "a2", "a3", "alice", "F1", second_rotation),
        RotateOutcome::Rotated
    );
    let now = first_rotation + REFRESH_TTL;
    assert_eq!(store.prune(now).expect("prune"), 1);
    assert_eq!(summary(store, now), (T0, Some(second_rotation)));
}

/// SECURITY.md 41: a token of mallory's that carries alice's live `sid` does not borrow alice's
/// session: the family is honoured only for the subject it was recorded for, so mallory's own
/// cut-off still applies to it.
pub fn a_family_is_honoured_only_for_its_own_subject(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let cut = T0 + 500;
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("mallory".into()), cut)
            .expect("revoke"),
        0
    );
    assert_eq!(
        access(store, Some("mallory"), Some("F1"), cut - 1, cut),
        AccessOutcome::UserCutOff {
            sub: "mallory".into(),
            at: cut
        }
    );
    // For its own subject the family still decides: alice's token is allowed.
    assert_eq!(
        access(store, Some("alice"), Some("F1"), cut - 1, cut),
        AccessOutcome::Allowed
    );
    // A revoked family stays revoked whoever presents it.
    store
        .revoke(&RevokeSelector::Family("F1".into()), cut + 1)
        .expect("revoke");
    assert_eq!(
        access(store, Some("mallory"), Some("F1"), cut + 1, cut + 2),
        family_revoked("F1")
    );
}

/// SECURITY.md 41: `revoke --token` with a token that borrowed alice's `sid` revokes nothing.
pub fn revoke_family_of_another_subject_revokes_nothing(mut store: Box<dyn Store>) {
    let store = store.as_mut();
    three_sessions(store);
    let now = T0 + 100;
    let borrowed = RevokeSelector::FamilyOf {
        sub: "mallory".into(),
        family: "F1".into(),
    };
    assert_eq!(store.revoke(&borrowed, now).expect("revoke"), 0);
    assert_eq!(
        store.lookup("a1", "alice", "F1", now).expect("lookup"),
        LookupOutcome::Active
    );
    assert_eq!(families(store, Some("alice"), now), ["F1", "F3"]);
    let own = RevokeSelector::FamilyOf {
        sub: "alice".into(),
        family: "F1".into(),
    };
    assert_eq!(store.revoke(&own, now).expect("revoke"), 1);
    assert_eq!(
        store.lookup("a1", "alice", "F1", now).expect("lookup"),
        LookupOutcome::Revoked
    );
    assert_eq!(families(store, Some("alice"), now), ["F3"]);
    assert_eq!(families(store, Some("bob"), now), ["F2"]);
}
