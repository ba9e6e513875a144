//! The file store's records in memory, and the store's rules (see [`crate::store::model`]) applied
//! to them. Token records stay in file order and new ones are appended, so successive versions
//! of the file differ little.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;

use super::FileStore;
use super::format::{Record, Text};
use crate::store::model::{self, Cutoff, FamilyRecord, Rotation, State};
use crate::store::{
    AccessOutcome, AccessQuery, LookupOutcome, NewToken, RevokeSelector, RotateOutcome,
    SessionSummary, StoreError, Timestamp,
};

impl<'a> Record<'a> {
    fn active(token: &NewToken) -> Record<'a> {
        Record {
            sub: Text::new(&token.sub),
            fam: Text::new(&token.family),
            iat: token.issued_at,
            exp: token.expires_at,
            aexp: token.access_expires_at,
            label: token.label.as_deref().map(Text::new),
            start: None,
            rot: None,
            st: State::Active,
        }
    }

    fn keep_until(&self) -> Timestamp {
        model::keep_until(self.exp, self.aexp)
    }

    fn family_start(&self) -> Timestamp {
        model::family_start(self.start, self.iat)
    }

    fn is_live_active(&self, now: Timestamp) -> bool {
        model::is_live_active(&self.st, self.exp, now)
    }

    fn is_revoked(&self) -> bool {
        self.st.is_revoked()
    }
}

/// A change the store refuses to make: a caller bug, never a token outcome.
pub(super) enum Refusal {
    AlreadyRecorded(String),
    Mismatch(String),
}

impl Refusal {
    pub(super) fn into_error(self, store: &FileStore) -> StoreError {
        let source = match self {
            Refusal::AlreadyRecorded(what) => io::Error::new(io::ErrorKind::AlreadyExists, what),
            Refusal::Mismatch(what) => io::Error::new(io::ErrorKind::InvalidInput, what),
        };
        store.io_error("update", source)
    }
}

/// What [`Contents::prune`] dropped.
#[derive(Clone, Copy)]
pub(super) struct Pruned {
    /// Token records dropped.
    pub(super) tokens: u64,
    /// Whether anything at all (tokens, revoked families, cut-offs) was dropped.
    pub(super) anything: bool,
}

/// The store's content, and the semantics shared by every backend (see [`Store`]).
///
/// Token records stay in file order and new ones are appended, so successive versions of the
/// file differ little. Finding a `jti` is a linear scan: cheaper, for one call, than building an
/// index of 100,000 entries.
#[derive(Default)]
pub(super) struct Contents<'a> {
    pub(super) tokens: Vec<(Text<'a>, Record<'a>)>,
    pub(super) revoked_families: BTreeMap<String, Timestamp>,
    pub(super) cutoffs: BTreeMap<String, Cutoff>,
}

impl<'a> Contents<'a> {
    /// Drops whatever no longer matters at `now`.
    pub(super) fn prune(&mut self, now: Timestamp) -> Pruned {
        let before = self.tokens.len();
        self.tokens
            .retain(|(_, record)| model::matters(record.keep_until(), now));
        let dropped = (before - self.tokens.len()) as u64;
        let (families, cutoffs) = (self.revoked_families.len(), self.cutoffs.len());
        self.revoked_families
            .retain(|_, until| model::matters(*until, now));
        self.cutoffs
            .retain(|_, cutoff| model::matters(cutoff.until, now));
        let any =
            dropped > 0 || families != self.revoked_families.len() || cutoffs != self.cutoffs.len();
        Pruned {
            tokens: dropped,
            anything: any,
        }
    }

    fn records(&self) -> impl Iterator<Item = &Record<'a>> {
        self.tokens.iter().map(|(_, record)| record)
    }

    fn position(&self, jti: &str) -> Option<usize> {
        self.tokens.iter().position(|(key, _)| key.as_str() == jti)
    }

    pub(super) fn insert(&mut self, tokens: &[NewToken]) -> Result<((), bool), Refusal> {
        if tokens.is_empty() {
            return Ok(((), false));
        }
        let known_jtis: HashSet<&str> = self.tokens.iter().map(|(jti, _)| jti.as_str()).collect();
        let known_families: HashSet<&str> = self
            .records()
            .map(|record| record.fam.as_str())
            .chain(self.revoked_families.keys().map(String::as_str))
            .collect();
        let mut jtis = HashSet::new();
        let mut families = HashSet::new();
        for token in tokens {
            if known_jtis.contains(token.jti.as_str()) || !jtis.insert(token.jti.as_str()) {
                return Err(Refusal::AlreadyRecorded(format!(
                    "a token with jti {:?} is already recorded",
                    token.jti
                )));
            }
            if known_families.contains(token.family.as_str())
                || !families.insert(token.family.as_str())
            {
                return Err(Refusal::AlreadyRecorded(format!(
                    "session family {:?} already exists",
                    token.family
                )));
            }
        }
        self.tokens.extend(
            tokens
                .iter()
                .map(|token| (Text::new(&token.jti), Record::active(token))),
        );
        Ok(((), true))
    }

    /// The position of `jti` if its record belongs to `sub` and `family`.
    fn find(&self, jti: &str, sub: &str, family: &str) -> Option<usize> {
        let index = self.position(jti)?;
        let (_, record) = self.tokens.get(index)?;
        (record.sub.as_str() == sub && record.fam.as_str() == family).then_some(index)
    }

    pub(super) fn lookup(&self, jti: &str, sub: &str, family: &str) -> LookupOutcome {
        self.find(jti, sub, family)
            .and_then(|index| self.tokens.get(index))
            .map_or(LookupOutcome::Unknown, |(_, record)| record.st.lookup())
    }

    pub(super) fn rotate(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        successor: &NewToken,
        now: Timestamp,
    ) -> Result<(RotateOutcome, bool), Refusal> {
        let Some((index, rotation)) = self
            .find(jti, sub, family)
            .and_then(|index| Some((index, self.tokens.get(index)?.1.st.rotation())))
        else {
            return Ok((RotateOutcome::Unknown, false));
        };
        match rotation {
            Rotation::Refuse => Ok((RotateOutcome::Revoked, false)),
            Rotation::Reuse => {
                self.revoke_families(&HashSet::from([family.to_owned()]), now);
                let family = family.to_owned();
                Ok((RotateOutcome::ReuseDetected { family }, true))
            }
            Rotation::Rotate => {
                if successor.sub != sub || successor.family != family {
                    return Err(Refusal::Mismatch(format!(
                        "the successor of {jti:?} must belong to the same subject and family"
                    )));
                }
                if self.position(&successor.jti).is_some() {
                    return Err(Refusal::AlreadyRecorded(format!(
                        "a token with jti {:?} is already recorded",
                        successor.jti
                    )));
                }
                let Some((_, record)) = self.tokens.get_mut(index) else {
                    return Ok((RotateOutcome::Unknown, false));
                };
                record.st = State::Rotated {
                    at: now,
                    successor: Text::new(&successor.jti),
                };
                let mut next = Record::active(successor);
                next.start = Some(record.family_start());
                next.rot = Some(now);
                self.tokens.push((Text::new(&successor.jti), next));
                Ok((RotateOutcome::Rotated, true))
            }
        }
    }

    /// Revokes every record of `families` and remembers each family as long as an access token
    /// of it may be presented. Returns how many of them were live.
    fn revoke_families(&mut self, families: &HashSet<String>, now: Timestamp) -> u64 {
        let mut live = HashSet::new();
        let mut keep: HashMap<&str, Timestamp> = HashMap::new();
        for (_, record) in &mut self.tokens {
            if !families.contains(record.fam.as_str()) {
                continue;
            }
            if record.is_live_active(now) {
                live.insert(record.fam.as_str());
            }
            let until = keep.entry(record.fam.as_str()).or_insert(now);
            *until = (*until).max(record.keep_until());
            if !record.is_revoked() {
                record.st = State::Revoked { at: now };
            }
        }
        for (family, until) in keep {
            if model::matters(until, now) {
                let entry = self
                    .revoked_families
                    .entry(family.to_owned())
                    .or_insert(until);
                *entry = (*entry).max(until);
            }
        }
        live.len() as u64
    }

    pub(super) fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> (u64, bool) {
        let families: HashSet<String> = match selector {
            RevokeSelector::Family(family) => HashSet::from([family.clone()]),
            RevokeSelector::FamilyOf { sub, family } => {
                if self
                    .records()
                    .any(|record| record.fam.as_str() == family && record.sub.as_str() == sub)
                {
                    HashSet::from([family.clone()])
                } else {
                    HashSet::new()
                }
            }
            RevokeSelector::User(sub) => self
                .records()
                .filter(|record| record.sub.as_str() == sub)
                .map(|record| record.fam.as_str().to_owned())
                .collect(),
            RevokeSelector::All => self
                .records()
                .map(|record| record.fam.as_str().to_owned())
                .collect(),
        };
        let changed = self
            .records()
            .any(|record| families.contains(record.fam.as_str()) && !record.is_revoked());
        let count = self.revoke_families(&families, now);
        if let RevokeSelector::User(sub) = selector {
            let keeps = self
                .records()
                .filter(|record| record.sub.as_str() == sub)
                .map(Record::keep_until);
            let cutoff = Cutoff::renewed(self.cutoffs.get(sub).copied(), now, keeps);
            self.cutoffs.insert(sub.clone(), cutoff);
            return (count, true);
        }
        (count, changed)
    }

    pub(super) fn check_access(
        &self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
    ) -> AccessOutcome {
        self.check_access_with(sub, family, issued_at, |sub, family| {
            self.records().any(|record| {
                record.fam.as_str() == family && record.sub.as_str() == sub && !record.is_revoked()
            })
        })
    }

    /// `check_access` for many tokens: the (subject, family) pairs with a record that is not
    /// revoked are gathered once, not searched for every token.
    pub(super) fn check_access_many(&self, queries: &[AccessQuery<'_>]) -> Vec<AccessOutcome> {
        let unrevoked: HashSet<(&str, &str)> = self
            .records()
            .filter(|record| !record.is_revoked())
            .map(|record| (record.sub.as_str(), record.fam.as_str()))
            .collect();
        queries
            .iter()
            .map(|query| {
                self.check_access_with(query.sub, query.family, query.issued_at, |sub, family| {
                    unrevoked.contains(&(sub, family))
                })
            })
            .collect()
    }

    fn check_access_with(
        &self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
        has_unrevoked_record_of: impl Fn(&str, &str) -> bool,
    ) -> AccessOutcome {
        let family = family.map(|family| {
            let known = if self.revoked_families.contains_key(family) {
                FamilyRecord::Revoked
            } else if sub.is_some_and(|sub| has_unrevoked_record_of(sub, family)) {
                FamilyRecord::Unrevoked
            } else {
                FamilyRecord::Unknown
            };
            (family, known)
        });
        let cutoff = sub.and_then(|sub| self.cutoffs.get(sub).copied());
        model::access_outcome(sub, family, cutoff, issued_at)
    }

    pub(super) fn sessions(&self, sub: Option<&str>, now: Timestamp) -> Vec<SessionSummary> {
        struct Family<'r, 'a> {
            active: Option<&'r Record<'a>>,
            started_at: Timestamp,
            last_rotated_at: Option<Timestamp>,
        }
        let mut families: HashMap<&str, Family> = HashMap::new();
        for record in self.records() {
            let family = families.entry(record.fam.as_str()).or_insert(Family {
                active: None,
                started_at: record.family_start(),
                last_rotated_at: None,
            });
            family.started_at = family.started_at.min(record.family_start());
            family.last_rotated_at = family.last_rotated_at.max(record.rot);
            match &record.st {
                // A family has one active token; should there be two, show the newest.
                State::Active
                    if record.is_live_active(now)
                        && family.active.is_none_or(|active| active.iat < record.iat) =>
                {
                    family.active = Some(record);
                }
                State::Rotated { at, .. } => {
                    family.last_rotated_at = family.last_rotated_at.max(Some(*at));
                }
                _ => {}
            }
        }
        let mut out: Vec<SessionSummary> = families
            .into_iter()
            .filter_map(|(name, family)| {
                let active = family.active?;
                if sub.is_some_and(|sub| sub != active.sub.as_str()) {
                    return None;
                }
                Some(SessionSummary {
                    sub: active.sub.as_str().to_owned(),
                    family: name.to_owned(),
                    label: active.label.as_ref().map(|label| label.as_str().to_owned()),
                    started_at: family.started_at,
                    expires_at: active.exp,
                    last_rotated_at: family.last_rotated_at,
                })
            })
            .collect();
        out.sort_by(|a, b| (a.started_at, &a.family).cmp(&(b.started_at, &b.family)));
        out
    }
}
