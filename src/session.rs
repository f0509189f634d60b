//! AWS configuration the way the AWS CLI resolves it: the default provider chain
//! (environment, profiles, SSO, container and instance roles), `--profile`,
//! `--region` (else the profile's or environment's), an optional assumed role, and
//! `--endpoint-url` / `AWS_ENDPOINT_URL` for emulators and private endpoints. Requests
//! use the standard retry mode (backoff on throttling and 5xx) and a per-attempt timeout.

use anyhow::{bail, Result};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region};
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::SdkConfig;
use std::sync::OnceLock;
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

/// The client side's credentials and region, when they are not the API side's: the
/// instance, its VPC and its Session Manager records live in another account or region.
/// Each defaults to the API side's value.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ClientAwsArgs {
    /// Profile for the client side (the instance's account) [default: --profile].
    #[arg(long, value_name = "NAME")]
    pub client_profile: Option<String>,
    /// Region of the client instance [default: --region].
    #[arg(long, value_name = "REGION")]
    pub client_region: Option<String>,
    /// Role to assume for the client side's reads [default: --role-arn].
    #[arg(long, value_name = "ARN")]
    pub client_role_arn: Option<String>,
    /// External id for --client-role-arn [default: --external-id].
    #[arg(long, value_name = "ID")]
    pub client_external_id: Option<String>,
}

/// The transit gateway owner's credentials, when it is neither side's account (a
/// network account sharing the TGW through AWS RAM): only its route tables are read
/// with them. Region and endpoint default to the API side's.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct NetworkAwsArgs {
    /// Profile for the transit gateway owner's account (its route tables' routes).
    #[arg(long, value_name = "NAME")]
    pub network_profile: Option<String>,
    /// Role to assume in the transit gateway owner's account.
    #[arg(long, value_name = "ARN")]
    pub network_role_arn: Option<String>,
    /// External id for --network-role-arn.
    #[arg(long, value_name = "ID", requires = "network_role_arn")]
    pub network_external_id: Option<String>,
    /// Region of the transit gateway [default: --region].
    #[arg(long, value_name = "REGION")]
    pub network_region: Option<String>,
}

impl NetworkAwsArgs {
    /// The network side's settings, `None` when no profile or role names one.
    pub fn side(&self, api: &AwsArgs) -> Option<AwsArgs> {
        if self.network_profile.is_none() && self.network_role_arn.is_none() {
            return None;
        }
        Some(AwsArgs {
            profile: self.network_profile.clone().or_else(|| api.profile.clone()),
            region: self.network_region.clone().or_else(|| api.region.clone()),
            role_arn: self.network_role_arn.clone(),
            external_id: self.network_external_id.clone(),
            endpoint_url: api.endpoint_url.clone(),
            attempt_timeout: api.attempt_timeout,
        })
    }
}

impl ClientAwsArgs {
    pub fn is_empty(&self) -> bool {
        self.client_profile.is_none()
            && self.client_region.is_none()
            && self.client_role_arn.is_none()
            && self.client_external_id.is_none()
    }

    /// The client side's settings, each defaulting to the API side's; `None` when
    /// nothing differs, so both sides are read with one set of clients.
    pub fn side(&self, api: &AwsArgs) -> Option<AwsArgs> {
        if self.is_empty() {
            return None;
        }
        let role_arn = self
            .client_role_arn
            .clone()
            .or_else(|| api.role_arn.clone());
        Some(AwsArgs {
            profile: self.client_profile.clone().or_else(|| api.profile.clone()),
            region: self.client_region.clone().or_else(|| api.region.clone()),
            // An external id belongs to its role: the API side's is not the client
            // role's unless that role is the API side's too.
            external_id: self.client_external_id.clone().or_else(|| {
                if self.client_role_arn.is_none() {
                    api.external_id.clone()
                } else {
                    None
                }
            }),
            role_arn,
            endpoint_url: api.endpoint_url.clone(),
            attempt_timeout: api.attempt_timeout,
        })
    }
}

/// The one HTTPS client of a run (hyper 1, rustls with ring), shared by every SDK
/// client and credentials provider so connections are pooled across them. Built by
/// hand because the SDK crates' default client would bring aws-lc, a C library that
/// takes minutes to build (Cargo.toml).
fn https_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(
                    tls::rustls_provider::CryptoMode::Ring,
                ))
                .build_https()
        })
        .clone()
}

impl AwsArgs {
    fn loader(&self) -> ConfigLoader {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https_client())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_side_defaults_to_the_api_side_and_keeps_its_own_external_id() {
        let api = AwsArgs {
            profile: Some("api".into()),
            region: Some("us-east-1".into()),
            role_arn: Some("arn:aws:iam::111122223333:role/a".into()),
            external_id: Some("api-ext".into()),
            endpoint_url: Some("http://127.0.0.1:1".into()),
            attempt_timeout: 7,
        };
        assert!(ClientAwsArgs::default().side(&api).is_none());
        let region_only = ClientAwsArgs {
            client_region: Some("eu-west-1".into()),
            ..ClientAwsArgs::default()
        }
        .side(&api)
        .unwrap();
        assert_eq!(region_only.region.as_deref(), Some("eu-west-1"));
        assert_eq!(region_only.role_arn, api.role_arn);
        assert_eq!(region_only.external_id, api.external_id);
        assert_eq!(region_only.endpoint_url, api.endpoint_url);
        assert_eq!(region_only.attempt_timeout, 7);
        let other_role = ClientAwsArgs {
            client_role_arn: Some("arn:aws:iam::444455556666:role/c".into()),
            ..ClientAwsArgs::default()
        }
        .side(&api)
        .unwrap();
        assert_eq!(other_role.region.as_deref(), Some("us-east-1"));
        assert_eq!(other_role.profile.as_deref(), Some("api"));
        // The API role's external id is not the client role's.
        assert_eq!(other_role.external_id, None);
    }
}
