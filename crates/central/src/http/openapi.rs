//! The OpenAPI document as served at `/api/v1/openapi.json`: what utoipa
//! derives from the handlers and types, completed with what a derive cannot
//! say, so that a client (or schemathesis) that follows the document is never
//! refused and every answer it can get is listed:
//!
//! - the answers every operation may give: `401` (a token is needed), `403`
//!   (the token's role or center), `408` (`request_timeout`), `503`
//!   (`server_busy`, with `Retry-After`), and for a body `400` and `413`;
//! - the patterns and lengths the server checks, from the same constants
//!   ([`motcua_domain::text`], [`API_PATTERN`]);
//! - the rules between fields (`oneOf`, `anyOf`);
//! - links from an answer to the operations that take what it returns (a
//!   ticket's token), for stateful clients.
//!
//! What no schema can state (a date after another, a dossier code for a
//! service that takes none) is refused with 422 or 409, never 400.

use motcua_domain::dossier_code::API_PATTERN;
use motcua_domain::text::{NON_BLANK, NON_BLANK_LINE, ONE_LINE};
use serde_json::{Map, Value, json};

use crate::fleet::check::NOTICE_MAX_CHARS;
use crate::writer::dossier::MAX_NOTE;

/// A kiosk id (`fleet::check::valid_kiosk_id`).
const KIOSK_ID: &str = r"^[A-Za-z0-9._-]{1,64}$";
/// An `Idempotency-Key` (`extract::IdempotencyKey`).
const IDEMPOTENCY_KEY: &str = r"^[!-~]{1,128}$";
/// An offline number: `A-Z 0-9 -` with a `-` (`writer::issue`), 3–20 long.
const OFFLINE_NUMBER: &str = r"^[A-Z0-9-]*-[A-Z0-9-]*$";
/// A ticket token (`scan::is_ticket_token`).
const TICKET_TOKEN: &str = r"^[A-Za-z0-9_-]{22,64}$";
/// A kiosk's software version: visible ASCII and spaces, not blank.
const VERSION: &str = r"^ *[!-~][ -~]*$";
/// An error code a kiosk reports.
const ERROR_CODE: &str = r"^[a-z0-9_]{1,64}$";
/// A booking code (`motcua_domain::booking::parse_code`): the alphabet, any case, dash optional.
const BOOKING_CODE: &str = r"^[ACDEFHJKMNPQRTUVWXY34679acdefhjkmnpqrtuvwxy]{3}-?[ACDEFHJKMNPQRTUVWXY34679acdefhjkmnpqrtuvwxy]{3}$";
/// A phone number as typed (`bookings::normalise_phone` checks it further).
const PHONE: &str = r"^\+?[0-9][0-9 .-]{8,18}$";
/// An ID card number's keyed hash: HMAC-SHA256 as lower-case hex (`motcua_domain::id_card::is_id_hash`).
const ID_HASH: &str = r"^[0-9a-f]{64}$";

const ERROR_BODY: &str = "#/components/schemas/ErrorBody";

/// The document utoipa derived, completed. The second value lists what a
/// patch did not find (a renamed field, a removed operation): empty when the
/// patches and the types agree, which a test checks.
pub fn complete(doc: &utoipa::openapi::OpenApi) -> (Value, Vec<String>) {
    let mut doc = serde_json::to_value(doc).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
        Value::Null
    });
    let mut missing = Vec::new();
    common_responses(&mut doc);
    parameters(&mut doc, &mut missing);
    bodies(&mut doc, &mut missing);
    links(&mut doc, &mut missing);
    (doc, missing)
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_BODY}}}})
}

fn with_retry_after(mut response: Value, what: &str) -> Value {
    response["headers"] = json!({"Retry-After": {"description": what, "required": true, "schema": {"type": "integer", "minimum": 0}}});
    response
}

/// The answers the server's layers give to any request, whatever its handler.
fn common_responses(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (_, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                continue;
            }
            let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
            let has_body = op.get("requestBody").is_some();
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            let mut add = |status: &str, response: Value| {
                responses.entry(status.to_string()).or_insert(response);
            };
            if secured {
                add("401", error_response("unauthorized: no token, or an unknown or revoked one"));
                add("403", error_response("forbidden: the token's role may not do this, or its center has no catalog"));
            }
            if has_body {
                add("400", error_response("invalid_request: the body is not JSON or does not follow its schema"));
                add("413", error_response("payload_too_large: the body is over 64 KiB"));
            }
            add("408", error_response("request_timeout: the request's headers or body came too slowly"));
            add(
                "503",
                with_retry_after(
                    error_response("server_busy: the server is at its limit of requests in progress; try again after Retry-After seconds"),
                    "Seconds to wait before trying again",
                ),
            );
        }
    }
}

/// The property `field` of the component schema `schema`.
fn property<'a>(doc: &'a mut Value, schema: &str, field: &str) -> Option<&'a mut Map<String, Value>> {
    doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{field}")).and_then(Value::as_object_mut)
}

/// Sets constraints on a property; notes it as missing when it is not there.
fn constrain(doc: &mut Value, missing: &mut Vec<String>, schema: &str, field: &str, constraints: Value) {
    match (property(doc, schema, field), constraints) {
        (Some(p), Value::Object(c)) => p.extend(c),
        _ => missing.push(format!("{schema}.{field}")),
    }
}

/// Adds a keyword (`oneOf`, `anyOf`) to a component schema.
fn schema_rule(doc: &mut Value, missing: &mut Vec<String>, schema: &str, keyword: &str, rule: Value) {
    match doc.pointer_mut(&format!("/components/schemas/{schema}")).and_then(Value::as_object_mut) {
        Some(s) => {
            s.insert(keyword.to_string(), rule);
        }
        None => missing.push(schema.to_string()),
    }
}

/// The operation at `path` and `method`.
fn operation<'a>(doc: &'a mut Value, path: &str, method: &str) -> Option<&'a mut Value> {
    doc.get_mut("paths")?.get_mut(path)?.get_mut(method)
}

/// Path and header parameters the server checks beyond "a string".
fn parameters(doc: &mut Value, missing: &mut Vec<String>) {
    let params: [(&str, &str, &str, Value); 7] = [
        ("/api/v1/bookings/{code}", "get", "code", json!({"pattern": BOOKING_CODE})),
        ("/api/v1/bookings/{code}", "delete", "code", json!({"pattern": BOOKING_CODE})),
        ("/api/v1/bookings/{code}/check-in", "post", "code", json!({"pattern": BOOKING_CODE})),
        ("/api/v1/tickets", "post", "Idempotency-Key", json!({"minLength": 1, "maxLength": 128, "pattern": IDEMPOTENCY_KEY})),
        ("/api/v1/ratings", "post", "Idempotency-Key", json!({"minLength": 1, "maxLength": 128, "pattern": IDEMPOTENCY_KEY})),
        ("/api/v1/dossiers/{code}", "get", "code", json!({"pattern": API_PATTERN})),
        ("/api/v1/dossiers/{code}", "put", "code", json!({"pattern": API_PATTERN})),
    ];
    for (path, method, name, constraints) in params {
        let found = operation(doc, path, method)
            .and_then(|op| op.get_mut("parameters"))
            .and_then(Value::as_array_mut)
            .and_then(|ps| ps.iter_mut().find(|p| p.get("name").and_then(Value::as_str) == Some(name)))
            .and_then(|p| p.get_mut("schema"))
            .and_then(Value::as_object_mut);
        match (found, constraints) {
            (Some(schema), Value::Object(c)) => schema.extend(c),
            _ => missing.push(format!("{method} {path} {name}")),
        }
    }
}

/// Present as a string, or absent or null.
fn absent() -> Value {
    json!({"type": "null"})
}

/// Request bodies: what the handlers check, as JSON Schema.
fn bodies(doc: &mut Value, missing: &mut Vec<String>) {
    let mut c = |schema: &str, field: &str, constraints: Value| constrain(doc, missing, schema, field, constraints);
    c("IssueTicketRequest", "kiosk_id", json!({"pattern": KIOSK_ID}));
    c("IssueTicketRequest", "dossier_code", json!({"pattern": API_PATTERN}));
    c("OfflineTicket", "number", json!({"minLength": 3, "maxLength": 20, "pattern": OFFLINE_NUMBER}));
    c("OfflineTicket", "token", json!({"pattern": TICKET_TOKEN}));

    c("RatingRequest", "score", json!({"minimum": 1, "maximum": 3}));
    c("RatingRequest", "comment", json!({"maxLength": 1000}));
    c("RatingRequest", "dossier_code", json!({"pattern": API_PATTERN}));

    c("PutDossierRequest", "status", json!({"minimum": 1, "maximum": 10}));
    c("PutDossierRequest", "procedure_name", json!({"maxLength": 1000, "pattern": NON_BLANK}));
    c("PutDossierRequest", "applicant_name", json!({"maxLength": 200, "pattern": NON_BLANK}));
    c("PutDossierRequest", "procedure_id", json!({"maxLength": 100}));
    c("PutDossierRequest", "collect_at", json!({"maxLength": 500}));
    c("PutDossierRequest", "unit", json!({"maxLength": 500}));
    c("PutDossierRequest", "note", json!({"maxLength": MAX_NOTE}));

    c("BookingRequest", "name", json!({"maxLength": 100, "pattern": NON_BLANK_LINE}));
    c("BookingRequest", "phone", json!({"maxLength": 20, "pattern": PHONE}));
    c("BookingRequest", "challenge", json!({"maxLength": 200}));
    c("CheckInRequest", "kiosk_id", json!({"pattern": KIOSK_ID}));

    c("CallNumberRequest", "number", json!({"maxLength": 20, "pattern": NON_BLANK}));
    c("CallNumberRequest", "reason", json!({"maxLength": 200, "pattern": NON_BLANK}));

    c("NoticeRequest", "text_vi", json!({"maxLength": NOTICE_MAX_CHARS, "pattern": NON_BLANK_LINE}));
    c("NoticeRequest", "text_en", json!({"maxLength": NOTICE_MAX_CHARS, "pattern": ONE_LINE}));

    c("HeartbeatRequest", "kiosk_id", json!({"pattern": KIOSK_ID}));
    c("HeartbeatRequest", "version", json!({"maxLength": 64, "pattern": VERSION}));
    c("HeartbeatRequest", "last_error", json!({"pattern": ERROR_CODE}));
    // A u32: utoipa says int32, whose bounds clients take as the field's.
    for field in ["outbox", "unprinted"] {
        c("HeartbeatRequest", field, json!({"format": "int64", "maximum": u32::MAX}));
    }

    // One or two keyed hashes (`http::id_card::lookup`); a hash made with
    // another key is 409, which no schema can tell.
    c("IdCardLookupRequest", "id_hashes", json!({"minItems": 1, "maxItems": 2, "items": {"type": "string", "pattern": ID_HASH}}));

    // Each item is mapped on its own: one that is not a dossier is rejected
    // in the answer (200), so the body takes any item.
    c(
        "DossierBatchRequest",
        "dossiers",
        json!({"items": {
            "description": "A dossier in our field names (BatchDossier) or the national portal's; an item that is not a dossier is rejected alone, in the answer",
            "anyOf": [{"$ref": "#/components/schemas/BatchDossier"}, {}]
        }}),
    );

    // Exactly one of ticket_token and dossier_code.
    let one = |given: &str, other: &str| json!({"required": [given], "properties": {given: {"type": "string"}, other: absent()}});
    schema_rule(doc, missing, "RatingRequest", "oneOf", json!([one("ticket_token", "dossier_code"), one("dossier_code", "ticket_token")]));
    // A service, a counter or both.
    let given = |field: &str| json!({"required": [field], "properties": {field: {"type": "string"}}});
    schema_rule(doc, missing, "TransferRequest", "anyOf", json!([given("service_id"), given("counter_id")]));
}

/// Where an answer's ticket token (or a request's dossier code) leads.
fn links(doc: &mut Value, missing: &mut Vec<String>) {
    let ticket_ops =
        [("get_ticket", "GetTicket"), ("serve", "Serve"), ("no_show", "NoShow"), ("recall", "Recall"), ("transfer", "Transfer")];
    let from_ticket = |call: bool| {
        let mut links = Map::new();
        for (op, name) in ticket_ops {
            links.insert(name.to_string(), json!({"operationId": op, "parameters": {"token": "$response.body#/ticket/token"}}));
        }
        if call {
            let announcement = json!({"operationId": "announcement", "parameters": {"call_id": "$response.body#/call_id"}});
            links.insert("GetAnnouncement".into(), announcement);
        }
        Value::Object(links)
    };
    let sources: [(&str, &str, &[&str], Value); 5] = [
        ("/api/v1/tickets", "post", &["200", "201"], from_ticket(false)),
        ("/api/v1/counters/{id}/call-next", "post", &["200"], from_ticket(true)),
        ("/api/v1/counters/{id}/call-number", "post", &["200"], from_ticket(true)),
        ("/api/v1/tickets/{token}/recall", "post", &["200"], from_ticket(true)),
        (
            "/api/v1/dossiers/{code}",
            "put",
            &["200", "201"],
            json!({"GetDossier": {"operationId": "get_dossier", "parameters": {"code": "$request.path.code"}}}),
        ),
    ];
    for (path, method, statuses, links) in sources {
        for status in statuses {
            match operation(doc, path, method).and_then(|op| op.pointer_mut(&format!("/responses/{status}"))).and_then(Value::as_object_mut)
            {
                Some(response) => {
                    response.insert("links".into(), links.clone());
                }
                None => missing.push(format!("{method} {path} {status}")),
            }
        }
    }
    // Every link must name an operation of the document.
    let ids: Vec<String> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId").and_then(Value::as_str).map(str::to_string))
        .collect();
    for (op, _) in ticket_ops.iter().chain([("get_dossier", ""), ("announcement", "")].iter()) {
        if !ids.iter().any(|id| id == op) {
            missing.push(format!("operation {op}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> Value {
        let (doc, missing) = complete(&super::super::api_doc());
        assert!(missing.is_empty(), "patches without a target: {missing:?}");
        doc
    }

    #[test]
    fn every_patch_finds_its_target() {
        served();
    }

    #[test]
    fn operation_ids_are_unique() {
        let doc = served();
        let mut ids: Vec<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|op| op["operationId"].as_str())
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{ids:?}");
    }

    #[test]
    fn every_operation_lists_busy_and_timeout_and_secured_ones_401() {
        let doc = served();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let r = &op["responses"];
                assert!(r["503"]["headers"]["Retry-After"].is_object() && r["408"].is_object(), "{method} {path}");
                if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                    assert!(r["401"].is_object() && r["403"].is_object(), "{method} {path}");
                }
            }
        }
    }
}
