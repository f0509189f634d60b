//! A REST API's (and a custom domain name's) security policy and endpoint access mode,
//! and which ways of calling a private API the mode refuses. AWS's rules
//! (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html,
//! https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html):
//!
//! - a policy that starts with `SecurityPolicy_` is enhanced, `TLS_1_0`/`TLS_1_2` are
//!   legacy; only an enhanced policy has an endpoint access mode, `STRICT` or `BASIC`
//!   (with a legacy policy the field is absent);
//! - under `STRICT` a request must come from the resource's endpoint type and, for a
//!   Regional or private endpoint, pass SNI host matching; "If you invoke a private API
//!   without using a custom domain name or private DNS names and your APIs or domain
//!   name uses a security policy that starts with `SecurityPolicy_`, you must set the
//!   endpoint access mode to `BASIC`" — so the `{api-id}-{vpce-id}` alias and the
//!   endpoint's own DNS name with a `Host`/`x-apigw-api-id` header, the two ways a client
//!   across a peering or a transit gateway usually calls, are refused.
//!
//! The status code of a refusal is not documented, so nothing here assumes one.

use crate::path::ResolvedPath;

/// How the client names the API in its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallForm {
    /// `https://{api-id}.execute-api.REGION.amazonaws.com`, resolved by the endpoint's
    /// private DNS.
    PrivateDns,
    /// A private custom domain name.
    CustomDomain,
    /// `https://{api-id}-{vpce-id}.execute-api.REGION.amazonaws.com`.
    Alias,
    /// The endpoint's own DNS name with the API id in a header.
    EndpointName,
}

impl CallForm {
    pub fn describe(self) -> &'static str {
        match self {
            CallForm::PrivateDns => "the private DNS name",
            CallForm::CustomDomain => "a private custom domain name",
            CallForm::Alias => "the {api-id}-{vpce-id} alias",
            CallForm::EndpointName => "the endpoint's DNS name with an x-apigw-api-id header",
        }
    }

    /// Neither a custom domain name nor a private DNS name: refused under STRICT with
    /// an enhanced policy.
    pub fn needs_basic(self) -> bool {
        matches!(self, CallForm::Alias | CallForm::EndpointName)
    }
}

/// Whether a security policy is an enhanced one.
pub fn is_enhanced(policy: &str) -> bool {
    policy.starts_with("SecurityPolicy_")
}

/// What a resource's policy and mode say about a way of calling it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admits {
    /// Admitted; why (legacy policy, BASIC, a form STRICT admits).
    Yes(String),
    /// Refused: STRICT with an enhanced policy and a form that needs BASIC.
    No { policy: String },
    /// An enhanced policy without a mode in the snapshot: AWS requires one, so which it
    /// is cannot be told.
    Unknown { policy: String },
}

/// The API's policy and mode as they bear on `form`.
pub fn api_admits(p: &ResolvedPath<'_>, form: CallForm) -> Admits {
    let policy = p.api.security_policy.as_deref();
    let mode = p.api.endpoint_access_mode.as_deref();
    match policy {
        None => Admits::Yes(
            "no securityPolicy recorded: a legacy policy (a private API's default is TLS_1_2), which has no access mode"
                .to_string(),
        ),
        Some(pol) if !is_enhanced(pol) => Admits::Yes(format!(
            "security policy {pol} is a legacy one, which has no access mode"
        )),
        Some(pol) => match mode.map(str::to_ascii_uppercase).as_deref() {
            Some("BASIC") => Admits::Yes(format!("{pol} with access mode BASIC")),
            Some("STRICT") if !form.needs_basic() => Admits::Yes(format!(
                "{pol} with access mode STRICT, which admits {}",
                form.describe()
            )),
            Some("STRICT") => Admits::No {
                policy: pol.to_string(),
            },
            _ => Admits::Unknown {
                policy: pol.to_string(),
            },
        },
    }
}

/// Whether the path's API refuses `form`: the curl line privpath prints must be one
/// the mode admits.
pub fn refuses(p: &ResolvedPath<'_>, form: CallForm) -> bool {
    matches!(api_admits(p, form), Admits::No { .. })
}
