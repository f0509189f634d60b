//! STS: which account a side's credentials act in. Asked only when the client side has
//! credentials or a region of its own, so the API's account (its ARNs, the scope it is
//! filed under) is known without guessing it from the instance's. GetCallerIdentity
//! needs no permission.

use super::calls::{logged, CallError};
use super::Ctx;

pub async fn account(ctx: &Ctx) -> Result<Option<String>, CallError> {
    let out = logged!(
        ctx,
        "sts:GetCallerIdentity",
        ctx.sts.get_caller_identity().send()
    )?;
    Ok(out.account().map(str::to_string))
}
