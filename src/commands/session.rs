//! The store's view of a pair: the record of its refresh token. The core mints tokens and knows
//! nothing of the store; the commands that record sessions (`issue`, `refresh`) build the record.

use crate::jwt::pair::PairPlan;
use crate::store::NewToken;

/// The store record of a planned pair's refresh token, if it has one.
pub fn record(plan: &PairPlan, label: Option<String>) -> Option<NewToken> {
    let refresh = plan.refresh.as_ref()?;
    let family = plan.family.clone()?;
    Some(NewToken {
        jti: refresh.jti.clone(),
        sub: plan.sub.clone().unwrap_or_default(),
        family,
        issued_at: refresh.issued_at,
        expires_at: refresh.expires_at,
        access_expires_at: plan.access.expires_at,
        label,
    })
}
