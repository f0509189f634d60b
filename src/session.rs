//! AWS configuration the way the AWS CLI resolves it: the default provider chain
//! (environment, profiles, SSO, container and instance roles), `--profile`,
//! `--region` (else the profile's or environment's), an optional assumed role, and
//! `--endpoint-url` / `AWS_ENDPOINT_URL` for emulators and private endpoints. Requests
//! use the standard retry mode (backoff on throttling and 5xx) and a per-attempt timeout.

use anyhow::{bail, Result};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region};
use aws_types::SdkConfig;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct AwsArgs {
    /// Named profile from ~/.aws/config (else AWS_PROFILE, else default).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region (else AWS_REGION / AWS_DEFAULT_REGION, else the profile's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Assume this role for every read (e.g. a read-only audit role).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External id for --role-arn.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,
    /// Send every request to this endpoint (an emulator, or a private endpoint).
    #[arg(long, value_name = "URL", env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Seconds one request attempt may take before it is retried.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub attempt_timeout: u64,
}

impl AwsArgs {
    fn loader(&self) -> ConfigLoader {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(4))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(self.attempt_timeout.max(1)))
                    .operation_timeout(Duration::from_secs(self.attempt_timeout.max(1) * 4))
                    .build(),
            );
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &self.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(u) = &self.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        loader
    }

    /// Loads the configuration; fails with a clear message when no region is set.
    pub async fn load(&self) -> Result<SdkConfig> {
        let base = self.loader().load().await;
        if base.region().is_none() {
            bail!("no AWS region: pass --region, set AWS_REGION, or set `region` in the profile");
        }
        let Some(role) = &self.role_arn else {
            return Ok(base);
        };
        let mut assume =
            aws_config::sts::AssumeRoleProvider::builder(role).session_name("privpath");
        if let Some(id) = &self.external_id {
            assume = assume.external_id(id);
        }
        let provider = assume.configure(&base).build().await;
        Ok(self.loader().credentials_provider(provider).load().await)
    }
}
