//! ACM reads: the certificate a custom domain name serves.

use super::calls::{logged, CallError};
use super::Ctx;
use aws_smithy_types::date_time::Format;
use privpath_checks::snapshot as m;

pub async fn certificate(ctx: &Ctx, arn: &str) -> Result<m::Certificate, CallError> {
    let out = logged!(
        ctx,
        "acm:DescribeCertificate",
        ctx.acm.describe_certificate().certificate_arn(arn).send()
    )?;
    let c = out.certificate().ok_or_else(|| {
        CallError::Malformed(format!(
            "DescribeCertificate of {arn} returned no certificate"
        ))
    })?;
    Ok(m::Certificate {
        certificate_arn: c.certificate_arn().unwrap_or(arn).to_string(),
        domain_name: c.domain_name().map(str::to_string),
        subject_alternative_names: c.subject_alternative_names().to_vec(),
        status: c
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        not_after: c
            .not_after()
            .and_then(|d| d.fmt(Format::DateTime).ok())
            .map(serde_json::Value::from),
    })
}
