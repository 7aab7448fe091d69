//! Appointments over HTTP: slots, booking (public with a proof of work, or
//! staff on the hotline), a booking's public view, cancel, and the kiosk's check-in.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use motcua_domain::booking::{BookingRequest, BookingResponse, ChallengeResponse, CheckInRequest, CheckInResponse, SlotsResponse};
use motcua_domain::{ApiError, ErrorBody, ErrorCode};
use serde::Deserialize;

use super::extract::{ApiJson, Auth, Role, bearer, resolve_token};
use crate::bookings::{self as b, BookingRow};
use crate::error::AppError;
use crate::state::SharedState;
use crate::writer::booking::{CheckIn, NewBooking};
use crate::writer::{Command, Outcome};

/// A query string whose problems are `invalid_request`.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri).map(|q| Self(q.0)).map_err(|e| {
            let detail = e.body_text();
            AppError::invalid(format!("invalid query: {detail}"), format!("Tham số không hợp lệ: {detail}"))
        })
    }
}

/// The caller's IP: the connection's peer, or the last `X-Forwarded-For`
/// entry when the peer is a proxy on this machine.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded = || {
            let h = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
            h.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        };
        Ok(Self(match peer {
            Some(ip) if ip.is_loopback() => forwarded().or(Some(ip)),
            other => other,
        }))
    }
}

/// `?service=ID&date=YYYY-MM-DD`.
#[derive(Debug, Deserialize)]
pub struct SlotsQuery {
    /// The service.
    pub service: Option<String>,
    /// The local day.
    pub date: Option<String>,
}

/// A day's slots of a service and their free places.
#[utoipa::path(get, path = "/api/v1/slots", tag = "bookings", operation_id = "list_slots",
    params(("service" = String, Query, description = "Service id"), ("date" = String, Query, format = Date, description = "Local day, YYYY-MM-DD")),
    responses((status = 200, body = SlotsResponse, description = "The slots; `closed` says why a day (a public holiday, a day without opening hours) has none"),
              (status = 400, description = "invalid_request: service or date missing or malformed", body = ErrorBody),
              (status = 404, description = "service_not_found", body = ErrorBody),
              (status = 409, description = "booking_closed: the service takes no appointments, or the day is past or beyond the days ahead", body = ErrorBody)))]
pub async fn slots(State(state): State<SharedState>, ApiQuery(q): ApiQuery<SlotsQuery>) -> Result<Json<SlotsResponse>, AppError> {
    let service_id = q.service.ok_or_else(|| AppError::invalid("service is required", "Thiếu mã dịch vụ"))?;
    let date: jiff::civil::Date = q
        .date
        .as_deref()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| AppError::invalid("date must be YYYY-MM-DD", "Ngày phải có dạng YYYY-MM-DD"))?;
    let catalogs = state.catalogs.fresh();
    let (cat, service) = b::find_service(&catalogs, &service_id).ok_or_else(|| AppError::code(ErrorCode::ServiceNotFound))?;
    let a = b::settings(service)?;
    let now = state.clock.now();
    let closed = b::day_state(cat, service, a, date, now)?;
    let slots = match closed {
        Some(_) => Vec::new(),
        None => b::slots_with_free(&*state.pool.get()?, cat, service, a, date, now)?,
    };
    Ok(Json(SlotsResponse { service_id, date, closed, slots }))
}

/// A proof of work to solve before a public booking.
#[utoipa::path(get, path = "/api/v1/bookings/challenge", tag = "bookings", operation_id = "booking_challenge",
    responses((status = 200, body = ChallengeResponse)))]
pub async fn challenge(State(state): State<SharedState>) -> Json<ChallengeResponse> {
    let (challenge, expires_at) = state.bookings.challenge(state.clock.now());
    Json(ChallengeResponse { challenge, difficulty_bits: state.bookings.bits, expires_at })
}

/// The staff token's center, if the request carries a valid staff token.
fn staff_center(headers: &HeaderMap, state: &SharedState) -> Result<Option<String>, AppError> {
    let mut parts = axum::http::Request::new(()).into_parts().0;
    parts.headers = headers.clone();
    let Some(token) = bearer(&parts) else { return Ok(None) };
    Ok(resolve_token(state, token)?.filter(|(role, _, _)| *role == Role::Staff).map(|(_, center, _)| center))
}

fn limited(wait: u64) -> AppError {
    let mut e = AppError::rate_limited(wait);
    if let AppError::Api(e) = &mut e {
        e.message = "Too many booking attempts. Please wait a moment and try again.".into();
        e.message_vi = "Đặt lịch quá nhiều lần. Vui lòng đợi một lát rồi thử lại.".into();
    }
    e
}

/// The key of a client's budget: its IP, or one shared key when unknown.
fn ip_key(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "unknown".to_string(), |i| i.to_string())
}

/// Takes one public booking lookup from the client's budget (the API's and
/// the booking page's alike); the seconds to wait when it is spent.
pub(super) fn take_lookup(state: &SharedState, ip: Option<IpAddr>) -> Result<(), u64> {
    state.bookings.lookups.take(&ip_key(ip), b::LOOKUPS_PER_IP_PER_MIN)
}

/// Book a slot. A staff token (the center's hotline) needs no challenge and no budget.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "bookings", operation_id = "create_booking",
    request_body = BookingRequest,
    responses((status = 201, description = "Booked; the answer alone carries the cancel link", body = BookingResponse),
              (status = 400, description = "invalid_request: name or phone malformed", body = ErrorBody),
              (status = 403, description = "challenge_failed: no staff token and the proof of work is missing, expired, used or wrong", body = ErrorBody),
              (status = 404, description = "service_not_found", body = ErrorBody),
              (status = 409, description = "slot_full (with next_free_slots), booking_limit (with existing_booking), booking_closed (not a slot of the service, past, closed or too far ahead)", body = ErrorBody),
              (status = 429, description = "rate_limited: too many bookings from this IP or for this phone number, with Retry-After", body = ErrorBody)))]
pub async fn create(
    State(state): State<SharedState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<BookingRequest>,
) -> Result<(StatusCode, Json<BookingResponse>), AppError> {
    let now = state.clock.now();
    let staff = staff_center(&headers, &state)?;
    let mut held = None;
    if staff.is_none() {
        if let Err(wait) = state.bookings.per_ip.take(&ip_key(ip), b::PER_IP_PER_MIN) {
            return Err(limited(wait));
        }
        let solution = req.challenge.as_deref().ok_or_else(|| {
            AppError::msg(ErrorCode::ChallengeFailed, "challenge is required without a staff token", "Thiếu lời giải xác minh")
        })?;
        held = Some(state.bookings.verify(solution, now)?);
    }
    let result = book(&state, &req, staff.as_deref(), now).await;
    if result.is_err()
        && let Some(c) = &held
    {
        state.bookings.release(c);
    }
    result
}

async fn book(
    state: &SharedState,
    req: &BookingRequest,
    staff: Option<&str>,
    now: jiff::Timestamp,
) -> Result<(StatusCode, Json<BookingResponse>), AppError> {
    let name = b::check_name(&req.name)?;
    let phone = b::normalise_phone(&req.phone)?;
    if staff.is_none()
        && let Err(wait) = state.bookings.per_phone.take(&phone, b::PER_PHONE_PER_MIN)
    {
        return Err(limited(wait));
    }
    let catalogs = state.catalogs.fresh();
    let (cat, service) = b::find_service(&catalogs, &req.service_id).ok_or_else(|| AppError::code(ErrorCode::ServiceNotFound))?;
    if staff.is_some_and(|c| c != cat.center().id) {
        return Err(AppError::msg(
            ErrorCode::Forbidden,
            "a staff token books only for its own center",
            "Mã cán bộ chỉ đặt lịch cho trung tâm của mình",
        ));
    }
    let a = b::settings(service)?;
    let day = crate::tickets::local_day(cat, req.slot_start);
    let not_a_slot = || {
        AppError::msg(
            ErrorCode::BookingClosed,
            "slot_start is not a bookable slot of this service (see GET /api/v1/slots)",
            "Khung giờ này không nhận đặt lịch. Vui lòng chọn lại khung giờ",
        )
    };
    if b::day_state(cat, service, a, day, now)?.is_some() {
        return Err(not_a_slot());
    }
    let slot = b::day_slots(cat, service, a, day).into_iter().find(|s| s.start == req.slot_start).ok_or_else(not_a_slot)?;
    if slot.start <= now {
        return Err(not_a_slot());
    }
    let new = NewBooking { cat: cat.clone(), service_id: service.id.clone(), slot, name, phone, by_staff: staff.is_some() };
    let (row, secret) = state.writer.exec(move |tx, now| crate::writer::booking::book(tx, &new, now)).await?;
    let booking = b::view(&row, None, &state.config.public_url, Some(&secret));
    Ok((StatusCode::CREATED, Json(BookingResponse { booking })))
}

fn shown(state: &SharedState, row: &BookingRow) -> Result<motcua_domain::booking::Booking, AppError> {
    let conn = state.pool.get()?;
    Ok(b::view(row, b::ticket_token(&conn, row)?, &state.config.public_url, None))
}

/// A booking, name masked (what its phone page shows).
#[utoipa::path(get, path = "/api/v1/bookings/{code}", tag = "bookings", operation_id = "get_booking",
    params(("code" = String, Path, description = "Booking code, XXX-XXX (any case, dash optional)")),
    responses((status = 200, body = BookingResponse, description = "The booking; cancel_url is null (only the booking's own answer carries it)"),
              (status = 404, description = "booking_not_found", body = ErrorBody),
              (status = 429, description = "rate_limited: too many lookups from this IP, with Retry-After", body = ErrorBody)))]
pub async fn get(
    State(state): State<SharedState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Json<BookingResponse>, AppError> {
    if let Err(wait) = take_lookup(&state, ip) {
        let mut e = ApiError::new(ErrorCode::RateLimited);
        e.retry_after_s = Some(wait);
        return Err(AppError::Api(Box::new(e)));
    }
    let code = b::parse_code(&code)?;
    let row = b::by_code(&*state.pool.get()?, &code)?.ok_or_else(|| AppError::code(ErrorCode::BookingNotFound))?;
    Ok(Json(BookingResponse { booking: shown(&state, &row)? }))
}

/// `?k=SECRET` of a cancel link.
#[derive(Debug, Deserialize)]
pub struct CancelQuery {
    /// The cancel link's secret.
    pub k: Option<String>,
}

/// Cancel a booking with its cancel link's secret (or a staff token of its center); the place is free again.
#[utoipa::path(delete, path = "/api/v1/bookings/{code}", tag = "bookings", operation_id = "cancel_booking",
    params(("code" = String, Path, description = "Booking code"), ("k" = Option<String>, Query, description = "The cancel link's secret")),
    responses((status = 200, body = BookingResponse, description = "Cancelled (again: the same answer)"),
              (status = 403, description = "forbidden: k missing or wrong, and no staff token", body = ErrorBody),
              (status = 404, description = "booking_not_found", body = ErrorBody),
              (status = 409, description = "booking_lapsed; ticket_state_conflict: already checked in", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<CancelQuery>,
) -> Result<Json<BookingResponse>, AppError> {
    let code = b::parse_code(&code)?;
    let staff = staff_center(&headers, &state)?;
    let row = state.writer.exec(move |tx, now| crate::writer::booking::cancel(tx, &code, q.k.as_deref(), staff.as_deref(), now)).await?;
    Ok(Json(BookingResponse { booking: shown(&state, &row)? }))
}

/// Check a booking in at a kiosk: its appointment ticket (the same one on a repeat).
#[utoipa::path(post, path = "/api/v1/bookings/{code}/check-in", tag = "bookings", operation_id = "check_in_booking",
    params(("code" = String, Path, description = "Booking code (typed, or from the booking's QR)")),
    request_body = CheckInRequest,
    responses((status = 201, description = "Checked in: the appointment ticket", body = CheckInResponse),
              (status = 200, description = "Checked in before: the same ticket (reprint it)", body = CheckInResponse),
              (status = 400, description = "invalid_request: kiosk_id malformed", body = ErrorBody),
              (status = 404, description = "booking_not_found (also a booking of another center than the token's, which the message names)", body = ErrorBody),
              (status = 409, description = "booking_too_early (next_open_at: when check-in opens), booking_lapsed (the window has passed; the booking is now lapsed), booking_cancelled", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn check_in(
    State(state): State<SharedState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<CheckInRequest>,
) -> Result<(StatusCode, Json<CheckInResponse>), AppError> {
    crate::writer::check_kiosk_id(&req.kiosk_id)?;
    let code = b::parse_code(&code)?;
    let cat = auth.catalog(&state)?;
    let outcome = state.writer.run(Command::CheckIn { cat: cat.clone(), code, kiosk_id: req.kiosk_id }).await?;
    let Outcome::CheckIn(result) = outcome else {
        return Err(AppError::Internal("unexpected writer outcome".into()));
    };
    match result {
        CheckIn::Lapsed(_) => Err(AppError::code(ErrorCode::BookingLapsed)),
        CheckIn::Ticket { row, created, booking } => {
            if created {
                crate::metrics::Metrics::inc(&state.metrics.tickets_issued);
                super::tickets::queue_changed(&state, &cat, &row.service_id);
            }
            let ticket = super::tickets::ticket_view(&state, &cat, &row)?;
            let booking = b::view(&booking, Some(row.token.clone()), &state.config.public_url, None);
            Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(CheckInResponse { ticket, booking })))
        }
    }
}
