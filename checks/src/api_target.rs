//! The method the client calls: stage, resource path and HTTP method of the REST API,
//! picked from the snapshot's `Stages` and `Resources` (or named with `--stage`,
//! `--path`, `--method`), and the ARN and URL they make.

use crate::index::Index;
use crate::snapshot::{ApiResource, Method, RestApi, Stage};

/// The seed architecture's client sends a POST.
pub const DEFAULT_METHOD: &str = "POST";

/// A choice made from the snapshot.
#[derive(Clone, Debug)]
pub enum Pick<T> {
    Found(T),
    /// Nothing fits; the text says what exists.
    Missing(String),
    /// Several fit; the text lists them and the option that chooses.
    Ambiguous(String),
    /// The array was not collected.
    NotCollected,
}

impl<T> Pick<T> {
    /// Why nothing was picked, when something is missing or ambiguous.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Pick::Missing(why) | Pick::Ambiguous(why) => Some(why),
            Pick::Found(_) | Pick::NotCollected => None,
        }
    }
}

impl<T: Copy> Pick<T> {
    pub fn found(&self) -> Option<T> {
        match self {
            Pick::Found(t) => Some(*t),
            _ => None,
        }
    }
}

pub struct MethodTarget<'a> {
    pub http_method: String,
    pub stage: Pick<&'a Stage>,
    pub resource: Pick<&'a ApiResource>,
}

fn join(names: Vec<&str>) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

impl<'a> MethodTarget<'a> {
    pub fn resolve(
        ix: &Index<'a>,
        api: &RestApi,
        stage: Option<&str>,
        http_method: Option<&str>,
        path: Option<&str>,
    ) -> MethodTarget<'a> {
        let http_method = http_method.unwrap_or(DEFAULT_METHOD).to_ascii_uppercase();
        let stage = match &ix.scope.stages {
            None => Pick::NotCollected,
            Some(_) => {
                let mine: Vec<&Stage> = ix.api_records.stages(&api.id);
                let names = || join(mine.iter().map(|s| s.stage_name.as_str()).collect());
                match stage {
                    Some(name) => match mine.iter().find(|s| s.stage_name == name) {
                        Some(s) => Pick::Found(*s),
                        None => Pick::Missing(format!(
                            "API {} has no stage {name:?} (its stages: {})",
                            api.id,
                            names()
                        )),
                    },
                    None => match mine.as_slice() {
                        [only] => Pick::Found(*only),
                        [] => Pick::Missing(format!(
                            "API {} has no stage (it was never deployed)",
                            api.id
                        )),
                        _ => Pick::Ambiguous(format!(
                            "API {} has stages {}; choose one with --stage",
                            api.id,
                            names()
                        )),
                    },
                }
            }
        };
        let resource = match &ix.scope.resources {
            None => Pick::NotCollected,
            Some(_) => {
                let mine: Vec<&ApiResource> = ix.api_records.resources(&api.id);
                match path {
                    Some(p) => {
                        let wanted = normalise_path(p);
                        match mine.iter().find(|r| r.path == wanted) {
                            Some(r) => Pick::Found(*r),
                            None => Pick::Missing(format!(
                                "API {} has no resource {wanted} (resources: {})",
                                api.id,
                                join(mine.iter().map(|r| r.path.as_str()).collect())
                            )),
                        }
                    }
                    None => {
                        let with: Vec<&ApiResource> = mine
                            .iter()
                            .copied()
                            .filter(|r| method_of(r, &http_method).is_some())
                            .collect();
                        match with.as_slice() {
                            [only] => Pick::Found(*only),
                            [] => Pick::Missing(format!(
                                "API {} has no {http_method} method on any resource (resources: {})",
                                api.id,
                                join(mine.iter().map(|r| r.path.as_str()).collect())
                            )),
                            _ => Pick::Ambiguous(format!(
                                "API {} has {http_method} on {}; choose one with --path",
                                api.id,
                                join(with.iter().map(|r| r.path.as_str()).collect())
                            )),
                        }
                    }
                }
            }
        };
        MethodTarget {
            http_method,
            stage,
            resource,
        }
    }

    /// The method record on the chosen resource (an `ANY` method serves every verb).
    pub fn method(&self) -> Option<&'a Method> {
        self.resource
            .found()
            .and_then(|r| method_of(r, &self.http_method))
    }

    pub fn stage_name(&self) -> Option<&'a str> {
        self.stage.found().map(|s| s.stage_name.as_str())
    }

    pub fn path(&self) -> Option<&'a str> {
        self.resource.found().map(|r| r.path.as_str())
    }

    /// The method ARN a resource policy is evaluated against:
    /// `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH`.
    pub fn arn(&self, partition: &str, region: &str, account: &str, api: &str) -> Option<String> {
        let stage = self.stage_name()?;
        let path = self.path()?;
        Some(format!(
            "{}/{stage}/{}{path}",
            api_arn(partition, region, account, api),
            self.http_method
        ))
    }
}

/// `arn:aws:execute-api:REGION:ACCOUNT:API`, which `execute-api:/…` expands from.
pub fn api_arn(partition: &str, region: &str, account: &str, api: &str) -> String {
    format!("arn:{partition}:execute-api:{region}:{account}:{api}")
}

pub fn method_of<'r>(resource: &'r ApiResource, http_method: &str) -> Option<&'r Method> {
    resource
        .resource_methods
        .get(http_method)
        .or_else(|| resource.resource_methods.get("ANY"))
}

fn normalise_path(p: &str) -> String {
    let trimmed = p.trim();
    if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{trimmed}")
    }
}
