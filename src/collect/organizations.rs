//! Organizations: the active accounts of the Organization, read from the management
//! account or a delegated administrator (`privpath audit --org`).

use super::calls::{all_pages, CallError};
use super::Ctx;

/// The ids of the Organization's ACTIVE accounts, sorted.
pub async fn active_accounts(
    client: &aws_sdk_organizations::Client,
    ctx: &Ctx,
) -> Result<Vec<String>, CallError> {
    let items: Vec<aws_sdk_organizations::types::Account> = all_pages!(
        ctx,
        "organizations:ListAccounts",
        client.list_accounts(),
        accounts
    )?;
    let mut ids: Vec<String> = items
        .iter()
        .filter(|a| {
            a.state()
                .is_none_or(|s| s.as_str().eq_ignore_ascii_case("ACTIVE"))
                && a.status()
                    .is_none_or(|s| s.as_str().eq_ignore_ascii_case("ACTIVE"))
        })
        .filter_map(|a| a.id().map(str::to_string))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
