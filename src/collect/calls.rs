//! Every AWS request a live run makes goes through here: it is timed, attributed to a
//! wave and an IAM action, and its failure classified. `--verbose` prints the log; the
//! benchmark counts it.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::sync::Mutex;
use std::time::Duration;

/// One HTTP request (one page of a paginated call).
#[derive(Clone, Debug)]
pub struct Call {
    pub wave: usize,
    pub action: &'static str,
    pub elapsed: Duration,
    pub error: Option<String>,
}

/// The calls of a run and the wall time of each wave, in order (wave n is `waves[n-1]`).
/// A call's wave is its depth in the graph of reads: the round trips before it.
#[derive(Default)]
pub struct CallLog {
    calls: Mutex<Vec<Call>>,
    waves: Mutex<Vec<Duration>>,
}

impl CallLog {
    pub fn record(
        &self,
        wave: usize,
        action: &'static str,
        elapsed: Duration,
        error: Option<&CallError>,
    ) {
        let call = Call {
            wave,
            action,
            elapsed,
            error: error.map(|e| e.to_string()),
        };
        // A poisoned lock only means another task panicked mid-push; the log is still usable.
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(call);
    }

    /// Requests answered so far and the waves (round trips deep) reached before the
    /// deepest answered one, without copying the log.
    pub fn progress(&self) -> (usize, usize) {
        let calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        let deepest = calls.iter().map(|c| c.wave).max().unwrap_or(0);
        (calls.len(), deepest.saturating_sub(1))
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn wave_done(&self, elapsed: Duration) {
        self.waves
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(elapsed);
    }

    pub fn waves(&self) -> Vec<Duration> {
        self.waves.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Drives a paginated call to its last page (the SDK's paginator follows every token),
/// logging each page as one call. `$items` is the page's list accessor.
macro_rules! all_pages {
    ($ctx:expr, $action:expr, $builder:expr, $items:ident) => {{
        let mut stream = $builder.into_paginator().send();
        let mut out = Vec::new();
        loop {
            let start = std::time::Instant::now();
            match stream.next().await {
                None => break Ok(out),
                Some(Ok(page)) => {
                    $ctx.log.record($ctx.wave, $action, start.elapsed(), None);
                    out.extend(page.$items().iter().cloned());
                }
                Some(Err(e)) => {
                    let err = $crate::collect::calls::classify(&e);
                    $ctx.log
                        .record($ctx.wave, $action, start.elapsed(), Some(&err));
                    break Err(err);
                }
            }
        }
    }};
}
pub(crate) use all_pages;

/// Runs one request (a future returning the SDK result) and logs it as one call.
macro_rules! logged {
    ($ctx:expr, $action:expr, $fut:expr) => {{
        let start = std::time::Instant::now();
        match $fut.await {
            Ok(out) => {
                $ctx.log.record($ctx.wave, $action, start.elapsed(), None);
                Ok(out)
            }
            Err(e) => {
                let err = $crate::collect::calls::classify(&e);
                $ctx.log
                    .record($ctx.wave, $action, start.elapsed(), Some(&err));
                Err(err)
            }
        }
    }};
}
pub(crate) use logged;

/// Why one call failed, sorted by what privpath does about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The caller lacks the permission: the checks that need this data are `unknown`.
    #[error("{code}: {message}")]
    Denied { code: String, message: String },
    /// The resource does not exist.
    #[error("{code}: {message}")]
    NotFound { code: String, message: String },
    /// No credentials could be found or used: nothing will work.
    #[error("{0}")]
    Credentials(String),
    /// The endpoint could not be reached (DNS, connection refused, TLS): nothing will work.
    #[error("cannot reach the AWS endpoint: {0}")]
    Unreachable(String),
    /// The call timed out, after retries.
    #[error("timed out: {0}")]
    Timeout(String),
    /// Anything else AWS answered (throttling that outlasted retries, 5xx, validation).
    #[error("{code}: {message}")]
    Service { code: String, message: String },
    /// A response privpath could not use (e.g. a required field missing).
    #[error("unusable response: {0}")]
    Malformed(String),
}

impl CallError {
    /// Errors that make every further call pointless, so the run stops with exit 2.
    pub fn is_global(&self) -> bool {
        matches!(self, CallError::Credentials(_) | CallError::Unreachable(_))
    }
}

const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "Forbidden",
];
const CREDENTIAL_CODES: &[&str] = &[
    "AuthFailure",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "IncompleteSignature",
];

pub fn classify<E>(err: &SdkError<E, HttpResponse>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("UnknownError").to_string();
            let message = match e.message() {
                Some(m) if !m.is_empty() => m.to_string(),
                // No code or message in the body (e.g. an HTML 500): say what arrived.
                _ => format!(
                    "HTTP {} with no error message",
                    service.raw().status().as_u16()
                ),
            };
            if DENIED_CODES.contains(&code.as_str()) {
                CallError::Denied { code, message }
            } else if CREDENTIAL_CODES.contains(&code.as_str()) {
                CallError::Credentials(format!("AWS rejected the credentials: {code}: {message}"))
            } else if code.contains("NotFound") {
                CallError::NotFound { code, message }
            } else {
                CallError::Service { code, message }
            }
        }
        SdkError::TimeoutError(_) => CallError::Timeout(chain(err)),
        SdkError::DispatchFailure(d) => {
            let text = chain(err);
            if d.is_timeout() {
                CallError::Timeout(text)
            } else if mentions_credentials(&text) {
                CallError::Credentials(credentials_hint(&text))
            } else {
                CallError::Unreachable(text)
            }
        }
        other => {
            let text = chain(other);
            if mentions_credentials(&text) {
                CallError::Credentials(credentials_hint(&text))
            } else {
                CallError::Malformed(text)
            }
        }
    }
}

/// The error and its causes, outermost first, without the SDK's debug dump.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        // Layers often repeat their cause's text; keep each once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

fn mentions_credentials(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("credential") || t.contains("identity")
}

fn credentials_hint(text: &str) -> String {
    format!(
        "no usable AWS credentials (set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`); the last provider tried said: {}",
        last_cause(text)
    )
}

/// The SDK's error context chains every layer ("dispatch failure: other: …: …"); the
/// innermost is what a person needs.
fn last_cause(text: &str) -> &str {
    text.rsplit(": ")
        .find(|s| !s.trim().is_empty())
        .unwrap_or(text)
        .trim()
}
