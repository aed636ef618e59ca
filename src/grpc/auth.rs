//! Bearer-token authentication and per-call permissions.
//!
//! Tokens come from a file the operator writes (`--token-file`), one caller per line:
//!
//! ```text
//! # principal   token                              permissions
//! ehr-bridge    7d4f0c0b9a1e4c7fb3b2a0d9c6e1f2a3   code
//! coder-ui      0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c   code,feedback,stats
//! ```
//!
//! Permissions: `code` (CodeNote, CodeNotes, LookupCode, SearchCodes), `feedback` (SubmitFeedback), `stats`
//! (GetFeedbackStats). A call without a valid `authorization: Bearer <token>` header is UNAUTHENTICATED; a valid
//! token without the call's permission is PERMISSION_DENIED. Tokens are compared through their SHA-256 digests in
//! constant time, so neither their content nor their length shows in response times, and a token never appears in
//! a log line or an error message (a malformed file names the line, not its content). Health and reflection stay
//! open, as probes and tools expect.
use sha2::{Digest, Sha256};
use tonic::{Request, Status};

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Code,
    Feedback,
    Stats,
}

impl Permission {
    fn parse(s: &str) -> Option<Permission> {
        Some(match s {
            "code" => Permission::Code,
            "feedback" => Permission::Feedback,
            "stats" => Permission::Stats,
            _ => return None,
        })
    }
}

#[derive(Clone)]
struct Caller {
    principal: String,
    digest: [u8; 32],
    permissions: Vec<Permission>,
}

/// The callers a server accepts.
#[derive(Clone)]
pub struct Tokens {
    callers: Vec<Caller>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the digests.
        f.debug_struct("Tokens")
            .field("callers", &self.callers.iter().map(|c| &c.principal).collect::<Vec<_>>())
            .finish()
    }
}

/// A token file that cannot be used; names the line, never its content.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct TokenFileError {
    pub file: String,
    pub line: usize,
    pub reason: &'static str,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Equal digests, in time that does not depend on where they differ.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Tokens {
    /// Parses a token file's text.
    pub fn parse(file: &str, text: &str) -> Result<Tokens, TokenFileError> {
        let err = |line: usize, reason: &'static str| TokenFileError { file: file.to_string(), line, reason };
        let mut callers: Vec<Caller> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [principal, token, permissions] = fields.as_slice() else {
                return Err(err(i + 1, "expected: principal, token, permissions (e.g. code,feedback,stats)"));
            };
            if token.len() < 16 {
                return Err(err(i + 1, "a token must be at least 16 characters"));
            }
            let permissions = permissions
                .split(',')
                .map(Permission::parse)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| err(i + 1, "permissions are code, feedback and stats, comma-separated"))?;
            let digest = digest(token);
            if callers.iter().any(|c| same(&c.digest, &digest)) {
                return Err(err(i + 1, "a token is listed twice"));
            }
            callers.push(Caller { principal: principal.to_string(), digest, permissions });
        }
        if callers.is_empty() {
            return Err(err(1, "no callers: every request would be refused"));
        }
        Ok(Tokens { callers })
    }

    /// The caller's principal when the request carries a valid token with `permission`.
    pub fn authorize<T>(&self, request: &Request<T>, permission: Permission) -> Result<String, Status> {
        let header = request
            .metadata()
            .get("authorization")
            .ok_or_else(|| Status::unauthenticated("missing authorization: Bearer <token>"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or_else(|| Status::unauthenticated("authorization must be: Bearer <token>"))?;
        let presented = digest(token.trim());
        // Every caller is compared, so the time does not depend on which one matches.
        let mut found: Option<&Caller> = None;
        for c in &self.callers {
            if same(&c.digest, &presented) {
                found = Some(c);
            }
        }
        let caller = found.ok_or_else(|| Status::unauthenticated("unknown token"))?;
        if !caller.permissions.contains(&permission) {
            return Err(Status::permission_denied(format!("{} may not make this call", caller.principal)));
        }
        Ok(caller.principal.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# callers\nehr 0123456789abcdef0123 code\ncoder 9876543210fedcba9876 code,feedback,stats\n";

    fn request(token: Option<&str>) -> Request<()> {
        let mut r = Request::new(());
        if let Some(t) = token {
            r.metadata_mut().insert("authorization", format!("Bearer {t}").parse().unwrap());
        }
        r
    }

    #[test]
    fn tokens_and_permissions() {
        let tokens = Tokens::parse("t", FILE).unwrap();
        assert_eq!(tokens.authorize(&request(Some("0123456789abcdef0123")), Permission::Code).unwrap(), "ehr");
        let denied = tokens.authorize(&request(Some("0123456789abcdef0123")), Permission::Feedback).unwrap_err();
        assert_eq!(denied.code(), tonic::Code::PermissionDenied);
        let none = tokens.authorize(&request(None), Permission::Code).unwrap_err();
        assert_eq!(none.code(), tonic::Code::Unauthenticated);
        let wrong = tokens.authorize(&request(Some("0123456789abcdef0124")), Permission::Code).unwrap_err();
        assert_eq!(wrong.code(), tonic::Code::Unauthenticated);
        assert!(!wrong.message().contains("0123"));
    }

    #[test]
    fn bad_files_name_the_line_not_the_token() {
        for (text, line) in [("ehr short code\n", 1), ("# c\nehr 0123456789abcdef0123 code,admin\n", 2), ("", 1)] {
            let e = Tokens::parse("tokens.txt", text).unwrap_err();
            assert_eq!(e.line, line, "{e}");
            assert!(!e.to_string().contains("0123456789"), "{e}");
        }
    }
}
