//! The mapping file (TOML) of an import: which source column is which field,
//! and which source status is which national code.
//!
//! ```toml
//! [columns]             # source column = our or the national field name
//! "Mã hồ sơ" = "code"
//! "Ngày hẹn trả" = "NgayHenTra"
//!
//! [status]              # source status label or code = national code 1..10
//! "Đang giải quyết" = 4
//! "DA_TRA" = 10
//! ```
//!
//! A mapping for the pull connector adds `[source]` (see
//! [`super::pull::spec::SourceSpec`]) and, when records name their receiving
//! unit, `[centers]` (the unit's code = a center id). Nested values of an
//! upstream record are named by their dotted path (`ChuHoSo.HoTen`).

use std::collections::BTreeMap;

use motcua_domain::dossier::DossierStatus;
use serde::Deserialize;

use super::fields::Field;
use crate::writer::dossier::clean;

/// A parsed mapping file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Source column → field (our name or the national one).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Source status (label or code, as text) → national code 1..10. When
    /// present, it is complete: a status not in it is refused, never guessed.
    #[serde(default)]
    pub status: BTreeMap<String, u8>,
    /// The upstream of the pull connector.
    #[serde(default)]
    pub source: Option<super::pull::spec::SourceSpec>,
    /// Source receiving-unit code → center id (the pull connector's `center_field`).
    /// When present, it is complete: a unit not in it is refused, never guessed.
    #[serde(default)]
    pub centers: BTreeMap<String, String>,
}

impl Mapping {
    /// Parses and checks a mapping file: every column names a known field,
    /// every status maps to 1..10, no field is the target of two columns.
    pub fn parse(text: &str) -> Result<Self, String> {
        let m: Mapping = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut targets: BTreeMap<Field, &str> = BTreeMap::new();
        for (column, target) in &m.columns {
            let field = Field::from_name(target).ok_or_else(|| {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.ours()).collect();
                format!("[columns] {column:?} = {target:?}: no such field; fields: {}", known.join(", "))
            })?;
            if let Some(other) = targets.insert(field, column) {
                return Err(format!("[columns] {other:?} and {column:?} both map to {}", field.ours()));
            }
        }
        for (label, code) in &m.status {
            if DossierStatus::from_code(*code).is_none() {
                return Err(format!("[status] {label:?} = {code}: a national status code is 1..10"));
            }
        }
        Ok(m)
    }

    /// The field a source column stands for, if the mapping renames it
    /// (column names compared trimmed, case ignored).
    pub fn column(&self, name: &str) -> Option<Field> {
        let name = clean(name).to_lowercase();
        self.columns.iter().find(|(k, _)| clean(k).to_lowercase() == name).and_then(|(_, v)| Field::from_name(v))
    }

    /// The center of a source's receiving-unit code (trimmed, case ignored).
    pub fn center(&self, unit: &str) -> Option<&str> {
        let unit = clean(unit).to_lowercase();
        self.centers.iter().find(|(k, _)| clean(k).to_lowercase() == unit).map(|(_, v)| v.as_str())
    }

    /// The national status of a source status (trimmed, case ignored).
    pub fn status_code(&self, value: &str) -> Option<DossierStatus> {
        let value = clean(value).to_lowercase();
        self.status.iter().find(|(k, _)| clean(k).to_lowercase() == value).and_then(|(_, c)| DossierStatus::from_code(*c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_renames_columns_and_maps_statuses() {
        let m = Mapping::parse(
            r#"
            [columns]
            "Mã hồ sơ" = "code"
            "Hạn trả" = "NgayHenTra"
            [status]
            "Đang giải quyết" = 4
            "DA_TRA" = 10
            "#,
        )
        .unwrap();
        assert_eq!(m.column(" mã hồ sơ "), Some(Field::Code));
        assert_eq!(m.column("Hạn trả"), Some(Field::DueAt));
        assert_eq!(m.column("Other"), None);
        assert_eq!(m.status_code("đang giải quyết"), Some(DossierStatus::Processing));
        assert_eq!(m.status_code("da_tra"), Some(DossierStatus::HandedOver));
    }

    #[test]
    fn bad_mappings_are_refused_with_the_reason() {
        assert!(Mapping::parse("[columns]\nx = \"nope\"").unwrap_err().contains("no such field"));
        assert!(Mapping::parse("[status]\nx = 11").unwrap_err().contains("1..10"));
        assert!(Mapping::parse("[columns]\na = \"code\"\nb = \"MaHoSo\"").unwrap_err().contains("both map to code"));
        assert!(Mapping::parse("[colums]\na = \"code\"").is_err());
    }
}
