//! DNS names as privpath compares them, whichever API printed them: a leaf module, so
//! the index and the domain lookups can both use it.

/// A domain's name as the client writes it: lower case, no trailing dot.
pub fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// A zone id as Route 53 prints it in different places: `/hostedzone/Z…` or `Z…`.
pub fn bare_zone_id(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}
