//! The text as the matcher sees it. Engineers paste errors through many wrappers — a
//! JSON body with escaped quotes, a Terraform diagnostic with box-drawing borders, a
//! CloudFormation event quoting an EC2 message, a syslog line — and with ids, addresses
//! and times that differ every time. Symptoms are written against one plain form:
//!
//! - JSON and syslog escapes decoded (`\"` → `"`, `\n` and `#011` → a space,
//!   `\u2019` → `’`), twice at most, for a message quoted inside a message;
//! - typographic quotes and backticks made plain, box-drawing borders dropped;
//! - lower case, whitespace collapsed, `"key" : "value"` written `"key":"value"`;
//! - the variable parts replaced by a token of their kind: `<pcx>`, `<vpce>`, `<tgw>`,
//!   `<tgw-attach>`, `<tgw-rtb>`, `<vpce-svc>`, `<sg>`, `<rtb>`, `<acl>`, `<subnet>`,
//!   `<vpc>`, `<eni>`, `<igw>`, `<nat>`, `<instance>` (`i-`, `mi-`), ARNs as
//!   `<arn:SERVICE>` or `<arn:SERVICE:KIND>` (`<arn:iam:role>`, `<arn:sts:assumed-role>`,
//!   `<arn:lambda:function>`, `<arn:execute-api:domainname>`), `<ip>` (`<loopback>` for
//!   127.0.0.0/8), `<cidr>`, `<account>` (12 digits), `<uuid>` (request ids) and
//!   `<time>` (ISO, syslog and API Gateway's `Thu May 04 17:48:21 UTC 2024` forms).
//!
//! Ids are recognised redacted too (`pcx-*`, `pcx-xxxxxx`, `tgw-attach-####`,
//! `vpc-XXXXX`): pasted texts often are. A port stays after its address (`<ip>:5432`),
//! since the port is what names the hop. The replaced originals are kept so that an
//! answer can quote the ids the text named.

/// The normalised text and the originals its tokens replaced, in order of appearance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalised {
    pub text: String,
    pub replaced: Vec<(String, String)>,
}

impl Normalised {
    /// The first original the text had where `token` (e.g. `<pcx>`) now stands.
    pub fn original(&self, token: &str) -> Option<&str> {
        self.replaced
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, o)| o.as_str())
    }

    /// A fragment as the user wrote it: its tokens replaced by the first id of that
    /// kind the text named (`<pcx> not active` → `pcx-0abc… not active`).
    pub fn quote(&self, fragment: &str) -> String {
        let fragment = fragment.strip_suffix('*').unwrap_or(fragment);
        let mut out = String::new();
        let mut rest = fragment;
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else {
                break;
            };
            let token = &rest[start..=start + len];
            out.push_str(&rest[..start]);
            out.push_str(self.original(token).unwrap_or(token));
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

pub fn normalise(raw: &str) -> Normalised {
    let mut text = raw.to_string();
    // A message quoted inside a JSON string inside another (CloudFormation's event
    // quoting an EC2 error) carries its escapes doubled.
    for _ in 0..2 {
        let next = unescape(&text);
        if next == text {
            break;
        }
        text = next;
    }
    let chars: Vec<char> = text.chars().map(plain).collect();
    let (text, replaced) = tokenise(&chars);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // JSON bodies are pasted with any spacing around the colon.
    let text = collapsed
        .replace("\" : \"", "\":\"")
        .replace("\": \"", "\":\"")
        .replace("\" :\"", "\":\"");
    Normalised { text, replaced }
}

/// Typographic quotes, backticks and Terraform's box-drawing borders as plain text.
fn plain(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' | '`' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' => '"',
        '\u{2502}' | '\u{2575}' | '\u{2577}' | '\u{00a0}' => ' ',
        c => c,
    }
}

/// One pass of JSON-style escapes and syslog's `#011` (a tab).
fn unescape(s: &str) -> String {
    let s = s.replace("#011", " ").replace("#012", " ");
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 == chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        match chars[i + 1] {
            'n' | 't' | 'r' => out.push(' '),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            '/' => out.push('/'),
            '\\' => out.push('\\'),
            'u' => {
                let hex: String = chars.iter().skip(i + 2).take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        i += 6;
                        continue;
                    }
                    _ => out.push_str("\\u"),
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
        i += 2;
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Lower-cases the text and replaces its variable parts by tokens.
fn tokenise(chars: &[char]) -> (String, Vec<(String, String)>) {
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let mut out = String::with_capacity(chars.len());
    let mut replaced = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let at_start = i == 0 || !lower[i - 1].is_alphanumeric();
        if at_start {
            let found = time(&lower, i)
                .or_else(|| uuid(&lower, i))
                .or_else(|| arn(&lower, i))
                .or_else(|| ip(&lower, i))
                .or_else(|| account(&lower, i))
                .or_else(|| resource_id(&lower, i));
            if let Some((len, token)) = found {
                let original: String = chars[i..i + len].iter().collect();
                out.push_str(&token);
                replaced.push((token, original));
                i += len;
                continue;
            }
        }
        // Non-ASCII letters lower-case by the full rules.
        out.extend(chars[i].to_lowercase());
        i += 1;
    }
    (out, replaced)
}

fn digits(s: &[char], at: usize, min: usize, max: usize) -> Option<usize> {
    let n = s
        .iter()
        .skip(at)
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    (n >= min).then_some(n)
}

fn lit(s: &[char], at: usize, word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    s.len() >= at + w.len() && s[at..at + w.len()] == w[..]
}

/// Ends at a word boundary: the next character is not part of the same word.
fn ends(s: &[char], at: usize) -> bool {
    s.get(at).is_none_or(|c| !is_word(*c))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `hh:mm` with optional `:ss` and fraction; the length.
fn clock(s: &[char], at: usize) -> Option<usize> {
    let h = digits(s, at, 1, 2)?;
    let mut n = h;
    if s.get(at + n) != Some(&':') {
        return None;
    }
    n += 1;
    n += digits(s, at + n, 2, 2)?;
    if s.get(at + n) == Some(&':') && digits(s, at + n + 1, 2, 2).is_some() {
        n += 3;
        if matches!(s.get(at + n), Some('.') | Some(',')) {
            if let Some(f) = digits(s, at + n + 1, 1, 9) {
                n += 1 + f;
            }
        }
    }
    Some(n)
}

/// ISO `2024-05-02T08:12:00.000Z` (or a date alone), syslog `Oct 12 13:49:56`, API
/// Gateway's `Thu May 04 17:48:21 UTC 2024`, or a bare `13:49:56`.
fn time(s: &[char], at: usize) -> Option<(usize, String)> {
    let token = || "<time>".to_string();
    // ISO
    if digits(s, at, 4, 4) == Some(4)
        && s.get(at + 4) == Some(&'-')
        && digits(s, at + 5, 2, 2) == Some(2)
        && s.get(at + 7) == Some(&'-')
        && digits(s, at + 8, 2, 2) == Some(2)
    {
        let mut n = 10;
        if matches!(s.get(at + n), Some('t') | Some(' ')) {
            if let Some(c) = clock(s, at + n + 1) {
                n += 1 + c;
                if s.get(at + n) == Some(&'z') {
                    n += 1;
                } else if matches!(s.get(at + n), Some('+') | Some('-'))
                    && digits(s, at + n + 1, 2, 2).is_some()
                {
                    n += 3;
                    if s.get(at + n) == Some(&':') && digits(s, at + n + 1, 2, 2).is_some() {
                        n += 3;
                    } else if digits(s, at + n, 2, 2).is_some() {
                        n += 2;
                    }
                }
            }
        }
        return ends(s, at + n).then(|| (n, token()));
    }
    // [Day ]Mon dd hh:mm:ss[ UTC yyyy]
    let mut n = 0;
    if DAYS.iter().any(|d| lit(s, at, d)) && s.get(at + 3) == Some(&' ') {
        n = 4;
    }
    if MONTHS.iter().any(|m| lit(s, at + n, m)) && s.get(at + n + 3) == Some(&' ') {
        let mut m = n + 4;
        if s.get(at + m) == Some(&' ') {
            m += 1;
        }
        if let Some(d) = digits(s, at + m, 1, 2) {
            m += d;
            if s.get(at + m) == Some(&' ') {
                if let Some(c) = clock(s, at + m + 1) {
                    m += 1 + c;
                    if lit(s, at + m, " utc ") && digits(s, at + m + 5, 4, 4).is_some() {
                        m += 9;
                    } else if s.get(at + m) == Some(&' ') && digits(s, at + m + 1, 4, 4) == Some(4)
                    {
                        m += 5;
                    }
                    return ends(s, at + m).then(|| (m, token()));
                }
            }
        }
    }
    if n > 0 {
        return None;
    }
    // A bare clock with seconds.
    let c = clock(s, at)?;
    (c >= 7 && ends(s, at + c)).then(|| (c, token()))
}

/// A UUID, as AWS prints request ids.
fn uuid(s: &[char], at: usize) -> Option<(usize, String)> {
    let groups = [8, 4, 4, 4, 12];
    let mut n = 0;
    for (k, len) in groups.iter().enumerate() {
        if k > 0 {
            if s.get(at + n) != Some(&'-') {
                return None;
            }
            n += 1;
        }
        let ok = (0..*len).all(|j| s.get(at + n + j).is_some_and(|c| c.is_ascii_hexdigit()));
        if !ok {
            return None;
        }
        n += len;
    }
    ends(s, at + n).then(|| (n, "<uuid>".to_string()))
}

/// An ARN, up to the first character that cannot be in one as pasted.
fn arn(s: &[char], at: usize) -> Option<(usize, String)> {
    if !lit(s, at, "arn:aws") {
        return None;
    }
    let mut n = 0;
    while let Some(c) = s.get(at + n) {
        if c.is_whitespace() || "\"'<>(),;[]{}".contains(*c) {
            break;
        }
        n += 1;
    }
    // A sentence's full stop is not part of the ARN.
    while n > 0 && matches!(s[at + n - 1], '.' | ':') {
        n -= 1;
    }
    let text: String = s[at..at + n].iter().collect();
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let service = parts.get(2).copied().filter(|p| !p.is_empty())?;
    let resource = parts.get(5).copied().unwrap_or("");
    let kind = match service {
        "iam" | "sts" => resource.split('/').next().filter(|k| !k.is_empty()),
        "lambda" => resource.split(':').next().filter(|k| *k == "function"),
        "execute-api" if resource.contains("/domainnames/") => Some("domainname"),
        _ => None,
    };
    let token = match kind {
        Some(k) => format!("<arn:{service}:{k}>"),
        None => format!("<arn:{service}>"),
    };
    Some((n, token))
}

/// An IPv4 address (with `/len`, a CIDR). Four numbers after the word "version" are
/// a version, not an address (`Agent version 2.3.68.0`).
fn ip(s: &[char], at: usize) -> Option<(usize, String)> {
    let mut n = 0;
    let mut octets = Vec::new();
    for k in 0..4 {
        if k > 0 {
            if s.get(at + n) != Some(&'.') {
                return None;
            }
            n += 1;
        }
        let d = digits(s, at + n, 1, 3)?;
        let value: String = s[at + n..at + n + d].iter().collect();
        octets.push(value.parse::<u32>().ok()?);
        n += d;
    }
    if octets.iter().any(|o| *o > 255)
        || (s.get(at + n) == Some(&'.') && s.get(at + n + 1).is_some_and(char::is_ascii_digit))
        || s.get(at + n).is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    let before: String = s[at.saturating_sub(9)..at].iter().collect();
    if before.trim_end().ends_with("version") || before.ends_with('v') {
        return None;
    }
    if s.get(at + n) == Some(&'/') {
        if let Some(d) = digits(s, at + n + 1, 1, 2) {
            if ends(s, at + n + 1 + d) {
                return Some((n + 1 + d, "<cidr>".to_string()));
            }
        }
    }
    let token = if octets[0] == 127 {
        "<loopback>"
    } else {
        "<ip>"
    };
    Some((n, token.to_string()))
}

/// An AWS account id: exactly twelve digits.
fn account(s: &[char], at: usize) -> Option<(usize, String)> {
    (digits(s, at, 12, 13) == Some(12) && ends(s, at + 12)).then(|| (12, "<account>".to_string()))
}

/// Resource id prefixes, longest first, and the token each becomes.
const ID_PREFIXES: [(&str, &str); 16] = [
    ("tgw-attach-", "<tgw-attach>"),
    ("tgw-rtb-", "<tgw-rtb>"),
    ("vpce-svc-", "<vpce-svc>"),
    ("subnet-", "<subnet>"),
    ("vpce-", "<vpce>"),
    ("tgw-", "<tgw>"),
    ("pcx-", "<pcx>"),
    ("rtb-", "<rtb>"),
    ("acl-", "<acl>"),
    ("eni-", "<eni>"),
    ("igw-", "<igw>"),
    ("nat-", "<nat>"),
    ("vpc-", "<vpc>"),
    ("sg-", "<sg>"),
    ("mi-", "<instance>"),
    ("i-", "<instance>"),
];

/// `pcx-0abc…` and the other ids, also redacted (`pcx-*`, `vpc-XXXXX`,
/// `tgw-attach-####`, `tgw-attach-REMOVED`). A body without a digit that is not a
/// redaction is a word (`subnet-ids`, `vpc-link`), not an id.
fn resource_id(s: &[char], at: usize) -> Option<(usize, String)> {
    let (prefix, token) = ID_PREFIXES.iter().find(|(p, _)| lit(s, at, p))?;
    let start = at + prefix.chars().count();
    let body: String = s[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '*' || **c == '#')
        .collect();
    let redacted = !body.is_empty() && body.chars().all(|c| matches!(c, 'x' | '*' | '#'))
        || ["removed", "redacted"].contains(&body.as_str());
    let id_like = body.len() >= 3 && body.chars().any(|c| c.is_ascii_digit());
    let instance = *token == "<instance>";
    if !(redacted || id_like) || (instance && !redacted && body.len() < 6) {
        return None;
    }
    // The body took every letter and digit: the id ends here (`_` may join two ids in
    // Terraform's composite ids, `tgw-rtb-…_tgw-attach-…`).
    Some((
        prefix.chars().count() + body.chars().count(),
        token.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_times_and_addresses_become_tokens() {
        let n = normalise("Peering pcx-0324fc216d5832fd3 is not active. request id: a0a31b88-9f31-4f02-a37f-5863bf16ec36");
        assert_eq!(n.text, "peering <pcx> is not active. request id: <uuid>");
        assert_eq!(n.original("<pcx>"), Some("pcx-0324fc216d5832fd3"));
        let n = normalise("Thu May 04 17:48:21 UTC 2024 : Execution failed");
        assert_eq!(n.text, "<time> : execution failed");
        let n = normalise("2020-12-10T15:52:55.195Z c5004a56-4cdd-45bf-932c-375e687d921b Task timed out after 3.00 seconds");
        assert_eq!(n.text, "<time> <uuid> task timed out after 3.00 seconds");
        let n =
            normalise("Oct 12 13:49:56 ip-xxx amazon-ssm-agent[1860]: 2020-10-12 13:49:56 ERROR");
        assert_eq!(n.text, "<time> ip-xxx amazon-ssm-agent[1860]: <time> error");
        let n =
            normalise("connect ECONNREFUSED 127.0.0.1:3306 and 10.20.3.14:5432 in 10.20.0.0/16");
        assert_eq!(
            n.text,
            "connect econnrefused <loopback>:3306 and <ip>:5432 in <cidr>"
        );
        let n = normalise("Agent version 2.3.68.0 at 10.0.0.1");
        assert_eq!(n.text, "agent version 2.3.68.0 at <ip>");
    }

    #[test]
    fn redacted_ids_are_ids_and_words_are_words() {
        assert_eq!(
            normalise("(pcx-*) pcx-xxxxxx tgw-attach-#### tgw-attach-REMOVED vpc-XXXXX").text,
            "(<pcx>) <pcx> <tgw-attach> <tgw-attach> <vpc>"
        );
        assert_eq!(
            normalise("Subnet IDs: subnet-ids, vpc-link, sg-rules, i-o").text,
            "subnet ids: subnet-ids, vpc-link, sg-rules, i-o"
        );
        assert_eq!(
            normalise("a1b2c3d4e5-vpce-0a1b2c3d4e5f67890.execute-api").text,
            "a1b2c3d4e5-<vpce>.execute-api"
        );
        assert_eq!(
            normalise("tgw-rtb-######_tgw-attach-#### i-0abc123def4567890").text,
            "<tgw-rtb>_<tgw-attach> <instance>"
        );
    }

    #[test]
    fn arns_keep_their_service_and_kind() {
        let n = normalise("User: arn:aws:sts::111122223333:assumed-role/Role/i-0abc is not authorized on resource: arn:aws:execute-api:eu-west-1:111122223333:a1b2c3/prod/POST/orders.");
        assert_eq!(
            n.text,
            "user: <arn:sts:assumed-role> is not authorized on resource: <arn:execute-api>."
        );
        assert_eq!(
            normalise("arn:aws:lambda:us-east-1:111122223333:function:orders").text,
            "<arn:lambda:function>"
        );
        assert_eq!(
            normalise(
                "arn:aws:execute-api:us-east-1:111122223333:/domainnames/orders.example.com+abc"
            )
            .text,
            "<arn:execute-api:domainname>"
        );
    }

    #[test]
    fn escapes_quotes_and_json_spacing_are_plain() {
        assert_eq!(
            normalise(r#"{\n  \"message\" : \"Forbidden\"\n}"#).text,
            r#"{ "message":"forbidden" }"#
        );
        assert_eq!(
            normalise("doesn\u{2019}t `auto_accept` \u{201c}x\u{201d} \\u2019").text,
            "doesn't 'auto_accept' \"x\" '"
        );
        assert_eq!(normalise("│ Error:#011boom").text, "error: boom");
    }

    #[test]
    fn quotes_name_the_ids_the_text_had() {
        let n = normalise("Route -> pcx-0aa11bb22cc33dd44 State: blackhole");
        assert_eq!(n.quote("<pcx>"), "pcx-0aa11bb22cc33dd44");
        assert_eq!(n.quote("connect*"), "connect");
        assert_eq!(n.quote("<rtb> x"), "<rtb> x");
    }
}
