//! Secrets never enter privpath's model. A plan holds sensitive values in plain text —
//! `after`, `before`, `planned_values`, `prior_state`, `variables` — and the markers
//! (`before_sensitive`, `after_sensitive`, `sensitive_values`) only say what would be
//! hidden; some secrets carry no marker at all. So, before anything reads a resource's
//! values:
//!
//! - every attribute of [`NEVER_READ`] is dropped, marked or not (a Lambda function's
//!   environment, API key values, database passwords, user data, private keys);
//! - every value under a marker of any of the three trees is set to null (their union:
//!   older Terraform left schema sensitivity out of `sensitive_values`).
//!
//! Nothing privpath checks is ever sensitive, so nothing is lost.

use serde_json::Value;

/// Attributes privpath never reads, by resource type: secrets whether marked or not.
pub const NEVER_READ: &[(&str, &str)] = &[
    ("aws_lambda_function", "environment"),
    ("aws_api_gateway_api_key", "value"),
    ("aws_api_gateway_usage_plan_key", "value"),
    ("aws_db_instance", "password"),
    ("aws_db_instance", "password_wo"),
    ("aws_db_instance", "master_user_secret"),
    ("aws_rds_cluster", "master_password"),
    ("aws_instance", "user_data"),
    ("aws_instance", "user_data_base64"),
    ("aws_launch_template", "user_data"),
    ("aws_api_gateway_domain_name", "certificate_private_key"),
    ("aws_acm_certificate", "private_key"),
    ("aws_iam_access_key", "secret"),
    ("aws_iam_access_key", "ses_smtp_password_v4"),
];

/// Drops what must never be read, and nulls every marked value.
pub fn sanitize(rtype: &str, value: &mut Value, marks: &[&Value]) {
    if let Value::Object(map) = value {
        for (t, attr) in NEVER_READ {
            if *t == rtype {
                map.remove(*attr);
            }
        }
    }
    for m in marks {
        strip(value, m);
    }
}

fn strip(value: &mut Value, mark: &Value) {
    match (value, mark) {
        (v, Value::Bool(true)) => *v = Value::Null,
        (Value::Object(map), Value::Object(marks)) => {
            for (k, m) in marks {
                if let Some(v) = map.get_mut(k) {
                    strip(v, m);
                }
            }
        }
        (Value::Array(items), Value::Array(marks)) => {
            for (v, m) in items.iter_mut().zip(marks) {
                strip(v, m);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_and_never_read_values_are_gone() {
        let mut v = json!({"identifier": "db", "password": "foobarbaz", "tags": {"k": "v", "secret": "s"},
                           "list": [{"a": "x"}, {"a": "y"}]});
        sanitize(
            "aws_db_instance",
            &mut v,
            &[
                &json!({"tags": {"secret": true}}),
                &json!({"list": [{}, {"a": true}]}),
                &json!(false),
            ],
        );
        assert_eq!(
            v,
            json!({"identifier": "db", "tags": {"k": "v", "secret": null}, "list": [{"a": "x"}, {"a": null}]})
        );
        let mut env =
            json!({"function_name": "f", "environment": [{"variables": {"DB_PASSWORD": "p"}}]});
        sanitize("aws_lambda_function", &mut env, &[]);
        assert!(!env.to_string().contains("DB_PASSWORD"));
    }
}
