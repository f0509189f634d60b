//! Policy documents as AWS hands them over. API Gateway returns a REST API's resource
//! policy as a JSON string whose quotes are backslash-escaped; IAM returns documents
//! URL-encoded; the AWS CLI prints both already decoded; a hand-written snapshot may hold
//! an object. [`decode_document`] turns any of these into the document itself.

use serde_json::Value;

/// Decodes a policy document given as an object, a JSON string, an escaped JSON string
/// or a URL-encoded JSON string. The error says what the text looked like.
pub fn decode_document(raw: &Value) -> Result<Value, String> {
    let mut text = match raw {
        Value::Object(_) => return Ok(raw.clone()),
        Value::String(s) => s.trim().to_string(),
        Value::Null => return Err("the policy is null".to_string()),
        other => return Err(format!("the policy is a {}, not a document", kind(other))),
    };
    if text.is_empty() {
        return Err("the policy is an empty string".to_string());
    }
    // Each layer of encoding is peeled at most once; three layers is already more than
    // AWS produces.
    for _ in 0..3 {
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => return Ok(Value::Object(map)),
            // A document serialised twice: a JSON string that holds the document.
            Ok(Value::String(inner)) => {
                text = inner;
                continue;
            }
            Ok(other) => return Err(format!("the policy is a {}, not a document", kind(&other))),
            Err(_) => {}
        }
        if text.contains("\\\"") {
            // API Gateway: `{\"Version\":…}`; read it as the body of a JSON string literal.
            match serde_json::from_str::<String>(&format!("\"{text}\"")) {
                Ok(unescaped) => {
                    text = unescaped;
                    continue;
                }
                Err(e) => return Err(format!("the escaped policy string is malformed: {e}")),
            }
        }
        if text.contains('%') {
            match percent_decode(&text) {
                Some(decoded) => {
                    text = decoded;
                    continue;
                }
                None => return Err("the URL-encoded policy is malformed".to_string()),
            }
        }
        break;
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(_) => Err("the policy does not decode to a JSON object".to_string()),
        Err(e) => Err(format!("the policy is not valid JSON: {e}")),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// RFC 3986 percent-decoding (IAM also encodes spaces as `+`).
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A policy's statements: `Statement` may be one object or an array of them.
pub fn statements(document: &Value) -> Vec<&Value> {
    match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(obj @ Value::Object(_)) => vec![obj],
        _ => Vec::new(),
    }
}

/// A string-or-array-of-strings policy field as a list.
pub fn string_list(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Every value a statement's `Condition` block gives for `key` (condition keys are
/// case-insensitive), under any operator.
pub fn condition_values<'a>(statement: &'a Value, key: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    if let Some(Value::Object(operators)) = statement.get("Condition") {
        for block in operators.values() {
            if let Value::Object(keys) = block {
                for (k, v) in keys {
                    if k.eq_ignore_ascii_case(key) {
                        out.extend(string_list(Some(v)));
                    }
                }
            }
        }
    }
    out
}

/// Values of `key` named in the conditions of any `Allow` statement: the endpoints
/// (`aws:SourceVpce`) or VPCs (`aws:SourceVpc`) a resource policy admits.
pub fn allowed_condition_values<'a>(document: &'a Value, key: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for statement in statements(document) {
        if statement.get("Effect").and_then(Value::as_str) == Some("Allow") {
            for v in condition_values(statement, key) {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
    }
    out
}

/// Like [`allowed_condition_values`], without wildcard patterns (`vpce-*`): the ids
/// an Allow statement names literally.
pub fn allowed_literal_values<'a>(document: &'a Value, key: &str) -> Vec<&'a str> {
    allowed_condition_values(document, key)
        .into_iter()
        .filter(|v| !v.contains('*') && !v.contains('?'))
        .collect()
}

/// Whether any statement conditions on the endpoint (`aws:SourceVpce`) or its VPC
/// (`aws:SourceVpc`): without one, every VPC endpoint of every account may invoke.
pub fn restricts_by_vpc(document: &Value) -> bool {
    statements(document).iter().any(|st| {
        !condition_values(st, "aws:SourceVpce").is_empty()
            || !condition_values(st, "aws:SourceVpc").is_empty()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;

    #[test]
    fn decodes_every_encoding_aws_uses() {
        let expected: Value = serde_json::from_str(DOC).unwrap();
        let escaped = DOC.replace('"', "\\\"");
        let urlencoded = DOC
            .replace('{', "%7B")
            .replace('}', "%7D")
            .replace('"', "%22")
            .replace(':', "%3A")
            .replace(' ', "+");
        let double = serde_json::to_string(DOC).unwrap();
        for raw in [
            json!(DOC),
            json!(escaped),
            json!(urlencoded),
            json!(double),
            expected.clone(),
        ] {
            assert_eq!(decode_document(&raw).as_ref(), Ok(&expected), "{raw}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_document() {
        for raw in [
            json!(""),
            json!("not json"),
            json!("[1,2]"),
            json!(5),
            Value::Null,
            json!("%ZZ"),
        ] {
            assert!(decode_document(&raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn extracts_allowed_condition_values_case_insensitively() {
        let doc: Value = json!({"Statement": [
            {"Effect": "Allow", "Condition": {"StringEquals": {"AWS:SourceVpce": ["vpce-1", "vpce-2"]}}},
            {"Effect": "Deny", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-3"}}},
            {"Effect": "Allow", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-9"}}}
        ]});
        assert_eq!(
            allowed_condition_values(&doc, "aws:SourceVpce"),
            vec!["vpce-1", "vpce-2"]
        );
        assert_eq!(
            allowed_condition_values(&doc, "aws:sourcevpc"),
            vec!["vpc-9"]
        );
        let single: Value = json!({"Statement": {"Effect": "Allow"}});
        assert_eq!(statements(&single).len(), 1);
    }
}
