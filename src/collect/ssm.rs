//! Systems Manager reads: the client instance's agent record, and the account-region's
//! Default Host Management Configuration setting.

use super::calls::{all_pages, logged, CallError};
use super::Ctx;
use aws_sdk_ssm::types::InstanceInformationStringFilter;
use privpath_checks::snapshot as m;

pub async fn instance_information(
    ctx: &Ctx,
    instance_id: &str,
) -> Result<Vec<m::InstanceInformation>, CallError> {
    let filter = InstanceInformationStringFilter::builder()
        .key("InstanceIds")
        .values(instance_id)
        .build()
        .map_err(|e| CallError::Malformed(e.to_string()))?;
    information_where(ctx, Some(filter)).await
}

/// Every managed node of the account and region (an audit's discovery).
pub async fn all_instance_information(ctx: &Ctx) -> Result<Vec<m::InstanceInformation>, CallError> {
    information_where(ctx, None).await
}

async fn information_where(
    ctx: &Ctx,
    only: Option<InstanceInformationStringFilter>,
) -> Result<Vec<m::InstanceInformation>, CallError> {
    let items: Vec<aws_sdk_ssm::types::InstanceInformation> = all_pages!(
        ctx,
        "ssm:DescribeInstanceInformation",
        ctx.ssm
            .describe_instance_information()
            .set_filters(only.map(|f| vec![f])),
        instance_information_list
    )?;
    Ok(items
        .iter()
        .map(|i| m::InstanceInformation {
            instance_id: i.instance_id().unwrap_or_default().to_string(),
            ping_status: i.ping_status().map(|p| p.as_str().to_string()),
            agent_version: i.agent_version().map(str::to_string),
            platform_type: i.platform_type().map(|p| p.as_str().to_string()),
            last_ping_date_time: i
                .last_ping_date_time()
                .map(|d| serde_json::Value::from(d.to_string())),
        })
        .collect())
}

/// Default Host Management Configuration's service setting. An account that never
/// changed it gets AWS's default back (`Status` `Default`).
pub async fn dhmc_setting(ctx: &Ctx) -> Result<Vec<m::ServiceSetting>, CallError> {
    let out = logged!(
        ctx,
        "ssm:GetServiceSetting",
        ctx.ssm
            .get_service_setting()
            .setting_id(m::DHMC_SETTING_ID)
            .send()
    )?;
    Ok(out
        .service_setting()
        .map(|s| m::ServiceSetting {
            setting_id: s.setting_id().unwrap_or(m::DHMC_SETTING_ID).to_string(),
            setting_value: s.setting_value().map(str::to_string),
            status: s.status().map(str::to_string),
            arn: s.arn().map(str::to_string),
            last_modified_user: s.last_modified_user().map(str::to_string),
            last_modified_date: s
                .last_modified_date()
                .map(|d| serde_json::Value::from(d.to_string())),
        })
        .into_iter()
        .collect())
}
