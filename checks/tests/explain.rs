//! `privpath explain`'s engine: the symptoms every check declares, the normaliser, the
//! ranking, the not-a-path answers, and two sets of texts — the corpus of real error
//! texts (`data/explain-corpus.json`, each with its source and cause) and variants
//! written for privpath that are not in it (`data/explain-variants.json`). Both print
//! their precision; run with `--nocapture` to see it.

use privpath_checks::explain::{
    diagnose, knowledge, normalise, rank_on_path, Cause, Diagnosis, Evidence, Standing, NOT_A_PATH,
};
use privpath_checks::{find_check, Finding, REGISTRY};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The answer "not a path problem" in a corpus entry's accept list.
const NOT_A_PATH_PROBLEM: &str = "not-a-path-problem";

/// What was chosen, best first: check ids, or "not-a-path-problem".
fn ranked(text: &str) -> Vec<&'static str> {
    diagnose(text)
        .candidates
        .iter()
        .map(|c| match c.cause {
            Cause::Check(m) => m.id,
            Cause::NotAPath(_) => NOT_A_PATH_PROBLEM,
        })
        .collect()
}

fn first(text: &str) -> &'static str {
    ranked(text).first().copied().unwrap_or("nothing")
}

fn top3(text: &str) -> Vec<&'static str> {
    ranked(text).into_iter().take(3).collect()
}

#[test]
fn every_check_declares_its_symptoms_in_normalised_form() {
    for c in REGISTRY {
        let m = c.meta;
        assert!(!m.symptoms.is_empty(), "{} declares no symptom", m.id);
        let mut ids: Vec<&str> = Vec::new();
        for s in m.symptoms {
            assert!(!ids.contains(&s.id), "{}: symptom {} twice", m.id, s.id);
            ids.push(s.id);
            assert!(
                !s.id.is_empty() && !s.seen_in.is_empty() && !s.meaning.is_empty(),
                "{}: {} is incomplete",
                m.id,
                s.id
            );
            assert!(!s.patterns.is_empty(), "{}: {} has no pattern", m.id, s.id);
            for fragment in s.patterns.iter().flat_map(|p| p.iter()).chain(s.unless) {
                let bare = fragment.strip_suffix('*').unwrap_or(fragment);
                // A fragment the normaliser would rewrite could never match.
                assert_eq!(
                    normalise(bare).text,
                    bare,
                    "{}: {}: fragment {fragment:?} is not in normalised form",
                    m.id,
                    s.id
                );
            }
        }
    }
    for n in NOT_A_PATH {
        assert!(!n.look_at.is_empty(), "{}", n.symptom.id);
        for fragment in n.symptom.patterns.iter().flat_map(|p| p.iter()) {
            let bare = fragment.strip_suffix('*').unwrap_or(fragment);
            assert_eq!(normalise(bare).text, bare, "{}", n.symptom.id);
        }
    }
    // Estate checks judge no single path: explain cannot rank them on one.
    for c in privpath_checks::estate::ESTATE_REGISTRY {
        assert!(c.meta.symptoms.is_empty(), "{}", c.meta.id);
    }
}

#[test]
fn normalising_makes_pasted_wrappers_alike() {
    // The same error through the CLI, Terraform and a JSON body escaped twice.
    let plain = "OperationNotPermitted: Peering pcx-0324fc216d5832fd3 is not active.";
    let terraform =
        "│ Error: operation error EC2: X, api error OperationNotPermitted: Peering pcx-0aa11bb22cc33dd44 is not active.";
    let escaped = r#"{\"message\":\"OperationNotPermitted: Peering pcx-*  is not active.\"}"#;
    for text in [plain, terraform, escaped] {
        let n = normalise(text);
        assert!(
            n.text
                .contains("operationnotpermitted: peering <pcx> is not active."),
            "{}",
            n.text
        );
        assert_eq!(first(text), "peering-active", "{text}");
    }
    let n = normalise(
        "2024-03-01 10:15:22 ERROR Post \"https://ssmmessages.eu-west-1.amazonaws.com/v1/control-channel/i-0abc123def4567890?role=subscribe\": dial tcp 10.0.2.45:443: i/o timeout",
    );
    assert_eq!(
        n.text,
        "<time> error post \"https://ssmmessages.eu-west-1.amazonaws.com/v1/control-channel/<instance>?role=subscribe\": dial tcp <ip>:443: i/o timeout"
    );
}

#[test]
fn words_that_chose_a_candidate_quote_the_text() {
    let d = diagnose("OperationNotPermitted: Peering pcx-0324fc216d5832fd3 is not active.");
    let best = &d.candidates[0];
    assert_eq!(best.cause.id(), "peering-active");
    let words = best.words();
    assert!(words.contains(&"operationnotpermitted"), "{words:?}");
    assert!(
        words.contains(&"pcx-0324fc216d5832fd3"),
        "the id, not its token: {words:?}"
    );
}

#[test]
fn error_codes_beat_phrases_and_phrases_beat_hints() {
    assert!(Evidence::Code.weight() > Evidence::Phrase.weight() + 10);
    assert!(Evidence::Phrase.weight() > Evidence::State.weight() + 10);
    assert!(Evidence::State.weight() > Evidence::Hint.weight() + 10);
    // A text naming only a peering connection falls back on its kind.
    assert_eq!(
        first("what is wrong with pcx-0aa11bb22cc33dd44?"),
        "peering-active"
    );
    // The port names the hop: a timeout to 5432 is the function's, not the client's.
    assert_eq!(
        first("dial tcp 10.20.3.14:5432: connect: connection timed out"),
        "lambda-vpc-to-rds"
    );
    assert_eq!(
        first("dial tcp 10.20.3.14:443: connect: connection timed out"),
        "route-client-to-endpoint"
    );
}

#[test]
fn a_resource_policy_refusal_names_the_policy_and_a_bare_forbidden_the_key_first() {
    let anonymous = r#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111122223333:a1b2c3/prod/POST/orders with an explicit deny"}"#;
    assert_eq!(first(anonymous), "api-policy-allows-endpoint");
    // AWS documents ForbiddenException for the API key; a private API answers it to a
    // request that names no API it serves.
    let forbidden = ranked(r#"{"message":"Forbidden"}"#);
    assert_eq!(
        forbidden[..4],
        [
            "dns-resolution",
            "api-private-endpoint",
            "api-key-usage-plan",
            "api-policy-allows-endpoint"
        ]
    );
    assert_eq!(
        first("< HTTP/2 403\n< x-amzn-errortype: ForbiddenException\n{\"message\":\"Forbidden\"}"),
        "api-key-usage-plan"
    );
    assert_eq!(
        first("Private REST API doesn\u{2019}t have a resource policy attached to it"),
        "api-resource-policy"
    );
}

#[test]
fn session_manager_suspects_the_role_and_endpoints_before_the_agent() {
    let text = "An error occurred (TargetNotConnected) when calling the StartSession operation: i-0abc123def4567890 is not connected.";
    assert_eq!(
        top3(text),
        ["ssm-instance-role", "ssm-endpoints", "ssm-agent-version"]
    );
    // Unless the text shows an agent of the 2.x line.
    assert_eq!(
        first("Ping status ConnectionLost, Agent version 2.2.916.0"),
        "ssm-agent-version"
    );
}

#[test]
fn lambda_timeouts_are_the_database_not_the_client() {
    for text in [
        "2026-11-24T12:00:03.012Z 8f3c0b1a-2d3e-4f5a-8b7c-9d0e1f2a3b4c Task timed out after 3.00 seconds",
        "REPORT RequestId: 8f3c Duration: 3003.52 ms Billed Duration: 3000 ms Status: timeout",
        r#"{"message": "Endpoint request timed out"}"#,
        "Error: connect ETIMEDOUT 10.1.20.14:3306",
    ] {
        assert_eq!(first(text), "lambda-vpc-to-rds", "{text}");
        assert!(
            !ranked(text).contains(&"sg-client-egress"),
            "{text}: {:?}",
            ranked(text)
        );
    }
}

#[test]
fn what_is_not_a_path_problem_says_so_and_where_to_look() {
    for text in [
        "Execution failed due to configuration error: Malformed Lambda proxy response",
        "django.db.utils.OperationalError: could not connect to server: Connection refused\n Is the server running on host \"localhost\" (127.0.0.1) and accepting TCP/IP connections on port 5432?",
        "Error: connect ECONNREFUSED 127.0.0.1:5432",
        "ER_ACCESS_DENIED_ERROR: Access denied for user 'app'@'10.0.3.4' (using password: YES)",
        "FATAL: password authentication failed for user \"app\"",
        r#"{"errorType":"Runtime.ImportModuleError","errorMessage":"Unable to import module 'app': No module named 'pg8000'"}"#,
        "ResourceConflictException: The operation cannot be performed at this time. An update is in progress for resource",
        r#"{"Message":"User is not authorized to access this resource with an explicit deny"}"#,
    ] {
        let d = diagnose(text);
        let Cause::NotAPath(n) = d.candidates[0].cause else {
            panic!("{text}: {:?}", ranked(text));
        };
        assert!(!n.look_at.is_empty());
    }
    // A timeout in the same driver error is the path again.
    assert_eq!(
        first("MySqlConnector.MySqlException: Unable to connect to any of the specified MySQL hosts. ---> System.TimeoutException: The operation has timed out."),
        "lambda-vpc-to-rds"
    );
}

#[test]
fn unrelated_and_hostile_text_matches_nothing_and_never_panics() {
    assert!(diagnose("everything is fine").is_empty());
    assert!(diagnose("").is_empty());
    assert!(diagnose("the printer is on fire").is_empty());
    for text in [
        "\\",
        "\\u",
        "\\u12",
        "\\uD800",
        "arn:aws",
        "arn:aws:",
        "pcx-",
        "i-",
        "999.999.999.999:5432",
        "<pcx>",
        "\u{0}\u{1}\u{2}",
        "é\u{301}İ",
    ] {
        let _ = diagnose(text);
    }
    let long = "timed out ".repeat(20_000);
    assert!(!diagnose(&long).is_empty());
}

proptest::proptest! {
    #[test]
    fn any_text_is_diagnosed_without_panicking(text in "\\PC{0,300}") {
        let d = diagnose(&text);
        let _ = d.shortlist();
        let _ = rank_on_path(&d, &[]);
    }

    #[test]
    fn escaped_text_is_diagnosed_without_panicking(text in "[\\\\a-z0-9u\" :.-]{0,80}") {
        let _ = diagnose(&text);
    }
}

/// With a path, what fails there comes first, then what privpath could not see, then
/// what is not a path problem, then what passes.
#[test]
fn the_path_state_ranks_the_candidates() {
    let text = r#"{"message":"Forbidden"}"#;
    let d = diagnose(text);
    let findings = vec![
        Finding::pass("dns-resolution", "alias resolves"),
        Finding::pass("api-private-endpoint", "private"),
        Finding::pass("api-key-usage-plan", "no key required"),
        Finding::fail("api-policy-allows-endpoint", "no Allow matches vpce-1").fix("allow it"),
    ];
    let ranked = rank_on_path(&d, &findings);
    assert_eq!(ranked[0].candidate.cause.id(), "api-policy-allows-endpoint");
    assert_eq!(ranked[0].standing, Standing::Fails);
    assert_eq!(
        ranked[0].finding.map(|f| f.message.as_str()),
        Some("no Allow matches vpce-1")
    );
    assert!(
        ranked[1..].iter().all(|r| r.standing >= Standing::Passes),
        "{ranked:?}"
    );

    // A failing check matched only by a weak hint is still kept, and first.
    let d = diagnose("Task timed out after 3.00 seconds, the database is slow");
    let findings = vec![
        Finding::pass("lambda-vpc-to-rds", "reaches it"),
        Finding::unknown("lambda-vpc-role", "not collected"),
    ];
    let ranked = rank_on_path(&d, &findings);
    assert_eq!(ranked[0].candidate.cause.id(), "lambda-vpc-role");
    assert_eq!(ranked[0].standing, Standing::Unknown);
    assert_eq!(ranked.last().map(|r| r.standing), Some(Standing::Passes));

    // Not a path problem ranks above checks that pass: without a timeout, a host the
    // driver cannot find is more likely a typo when the path to the database passes.
    let text = "MySql.Data.MySqlClient.MySqlException: Unable to connect to any of the specified MySQL hosts.";
    assert_eq!(first(text), "lambda-vpc-to-rds");
    let d = diagnose(text);
    let findings = vec![Finding::pass("lambda-vpc-to-rds", "reaches it")];
    let ranked = rank_on_path(&d, &findings);
    assert_eq!(ranked[0].standing, Standing::NotAPath);
    assert_eq!(ranked[0].candidate.cause.id(), "bad-database-host");
    assert_eq!(ranked[1].standing, Standing::Passes);
}

#[test]
fn the_registry_is_what_explain_knows() {
    let k = knowledge();
    assert_eq!(k.checks, REGISTRY.len());
    assert!(k.symptoms >= REGISTRY.len());
    assert!(k.codes.contains(&"targetnotconnected"), "{:?}", k.codes);
    assert_eq!(k.not_a_path, NOT_A_PATH.len());
}

// --- The corpus and the variants -------------------------------------------------

#[derive(Deserialize)]
struct Entry {
    id: String,
    family: String,
    text: String,
    source: String,
    cause: String,
    accept: Vec<String>,
}

fn load(file: &str) -> Vec<Entry> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// How one entry fared.
enum Outcome {
    /// An acceptable answer at this rank (0 = first).
    Found(usize),
    /// No acceptable answer in the first three: what came instead.
    Missed(Vec<&'static str>),
    /// Every accepted check is one privpath does not have yet (being added on other
    /// branches): the matcher cannot name it. Such entries are counted apart, never
    /// passed silently; when the check lands, its entries are judged automatically.
    Awaiting(Vec<String>),
}

fn judge(e: &Entry) -> Outcome {
    let known: Vec<&str> = e
        .accept
        .iter()
        .map(String::as_str)
        .filter(|a| *a == NOT_A_PATH_PROBLEM || find_check(a).is_some())
        .collect();
    if known.is_empty() {
        return Outcome::Awaiting(e.accept.clone());
    }
    let got = top3(&e.text);
    match got.iter().position(|g| known.contains(g)) {
        Some(rank) => Outcome::Found(rank),
        None => Outcome::Missed(got),
    }
}

#[derive(Default)]
struct Tally {
    judged: usize,
    top1: usize,
    top3: usize,
    awaiting: usize,
}

/// Judges every entry; prints precision per family and overall, and what awaits a
/// check; returns the entries that missed.
fn report(name: &str, entries: &[Entry]) -> Vec<String> {
    let mut families: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    let mut misses = Vec::new();
    let mut awaiting: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for e in entries {
        let t = families.entry(&e.family).or_default();
        match judge(e) {
            Outcome::Awaiting(ids) => {
                t.awaiting += 1;
                all.awaiting += 1;
                awaiting.entry(ids.join(" or ")).or_default().push(&e.id);
            }
            Outcome::Found(rank) => {
                for t in [&mut *t, &mut all] {
                    t.judged += 1;
                    t.top3 += 1;
                    t.top1 += usize::from(rank == 0);
                }
            }
            Outcome::Missed(got) => {
                for t in [&mut *t, &mut all] {
                    t.judged += 1;
                }
                misses.push(format!(
                    "{} ({}): accepts {:?}, got {got:?} — {}",
                    e.id, e.family, e.accept, e.text
                ));
            }
        }
    }
    let pct = |n: usize, d: usize| {
        if d == 0 {
            100.0
        } else {
            100.0 * n as f64 / d as f64
        }
    };
    println!("{name}: {} texts", entries.len());
    for (family, t) in &families {
        if t.judged == 0 {
            // No precision to speak of: every text awaits a check.
            println!(
                "  {family:<13} no text judged  + {} awaiting a new check",
                t.awaiting
            );
            continue;
        }
        println!(
            "  {family:<13} top-1 {:>2}/{:<2} ({:5.1}%)  top-3 {:>2}/{:<2} ({:5.1}%){}",
            t.top1,
            t.judged,
            pct(t.top1, t.judged),
            t.top3,
            t.judged,
            pct(t.top3, t.judged),
            if t.awaiting > 0 {
                format!("  + {} awaiting a new check", t.awaiting)
            } else {
                String::new()
            }
        );
    }
    println!(
        "  {:<13} top-1 {}/{} ({:.1}%)  top-3 {}/{} ({:.1}%)",
        "all",
        all.top1,
        all.judged,
        pct(all.top1, all.judged),
        all.top3,
        all.judged,
        pct(all.top3, all.judged)
    );
    for (check, ids) in &awaiting {
        println!(
            "  awaiting check {check}: {} ({})",
            ids.len(),
            ids.join(", ")
        );
    }
    misses
}

#[test]
fn corpus_of_real_texts_finds_an_accepted_check_in_the_first_three() {
    let corpus = load("explain-corpus.json");
    assert!(corpus.len() >= 80, "{} texts", corpus.len());
    for e in &corpus {
        // Every entry says where it comes from and why, in its own words.
        assert!(e.source.starts_with("https://"), "{}", e.id);
        assert!(!e.cause.is_empty() && !e.accept.is_empty(), "{}", e.id);
    }
    let misses = report("explain corpus", &corpus);
    assert!(misses.is_empty(), "missed:\n{}", misses.join("\n"));
}

#[test]
fn variants_not_in_the_corpus_find_their_family_s_check() {
    let variants = load("explain-variants.json");
    let corpus: Vec<String> = load("explain-corpus.json")
        .into_iter()
        .map(|e| e.text)
        .collect();
    for v in &variants {
        assert!(!corpus.contains(&v.text), "{} is in the corpus", v.id);
    }
    let misses = report("explain variants", &variants);
    assert!(misses.is_empty(), "missed:\n{}", misses.join("\n"));
}

/// The diagnosis of a text the corpus holds is stable: the shortlist never exceeds
/// its bound and is ordered by score.
#[test]
fn shortlists_are_bounded_and_ordered() {
    for e in load("explain-corpus.json") {
        let d: Diagnosis = diagnose(&e.text);
        let s = d.shortlist();
        assert!(s.len() <= privpath_checks::explain::SHORTLIST_LEN);
        assert!(s.windows(2).all(|w| w[0].score >= w[1].score), "{}", e.id);
    }
}
