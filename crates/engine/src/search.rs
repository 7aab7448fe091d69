//! Accent- and case-insensitive search over procedures, fields and agencies:
//! "giay phep xay dung" finds "Giấy phép xây dựng". Vietnamese is folded
//! (diacritics stripped, đ → d, lower case), then matched token by token:
//! whole words beat prefixes beat substrings, and entries holding every
//! term, or the whole phrase, rank first.

use motcua_domain::Catalog;
use unicode_normalization::UnicodeNormalization;

use crate::types::{HitKind, SearchHit};

/// Most hits returned.
pub const MAX_HITS: usize = 30;

/// Folds Vietnamese text for matching: no diacritics, `đ` → `d`, lower
/// case, anything not a letter or digit becomes a space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            '\u{0300}'..='\u{036f}' => {}
            'đ' | 'Đ' => out.push('d'),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

fn tokens(folded: &str) -> Vec<String> {
    folded.split_whitespace().map(str::to_owned).collect()
}

struct Entry {
    kind: HitKind,
    id: String,
    name: String,
    name_en: Option<String>,
    service_id: Option<String>,
    /// Folded Vietnamese and English names, each padded with spaces.
    texts: Vec<String>,
    words: Vec<String>,
}

/// A search index over one catalog, built once per catalog.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    /// Indexes the catalog's procedures, fields and agencies.
    pub fn new(catalog: &Catalog) -> SearchIndex {
        let mut entries = Vec::new();
        let mut push = |kind, id: &str, name: &str, name_en: Option<&String>, code: Option<&String>, service_id: Option<String>| {
            let mut texts = vec![format!(" {} ", fold(name))];
            if let Some(en) = name_en {
                texts.push(format!(" {} ", fold(en)));
            }
            if let Some(code) = code {
                texts.push(format!(" {} ", fold(code)));
            }
            let mut words: Vec<String> = texts.iter().flat_map(|t| tokens(t)).collect();
            words.sort();
            words.dedup();
            entries.push(Entry { kind, id: id.to_owned(), name: name.to_owned(), name_en: name_en.cloned(), service_id, texts, words });
        };
        for p in &catalog.procedures {
            let service = catalog.service_for_procedure(&p.id).map(|s| s.id.clone());
            push(HitKind::Procedure, &p.id, &p.name, p.name_en.as_ref(), p.code.as_ref(), service);
        }
        for f in &catalog.fields {
            push(HitKind::Field, &f.id, &f.name, f.name_en.as_ref(), None, field_service(catalog, &f.id));
        }
        for a in &catalog.agencies {
            let service = catalog.fields.iter().filter(|f| f.agency == a.id).find_map(|f| field_service(catalog, &f.id));
            push(HitKind::Agency, &a.id, &a.name, a.name_en.as_ref(), None, service);
        }
        SearchIndex { entries }
    }

    /// The best matches for `text`, best first, at most [`MAX_HITS`].
    pub fn search(&self, text: &str) -> Vec<SearchHit> {
        let folded = fold(text);
        let terms = tokens(&folded);
        if terms.is_empty() {
            return Vec::new();
        }
        let phrase = format!(" {} ", terms.join(" "));
        let mut hits: Vec<(f32, usize, &Entry)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let score = score(e, &terms, &phrase);
                (score > 0.0).then(|| (score, e.name.chars().count(), e))
            })
            .collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.id.cmp(&b.2.id)));
        hits.into_iter()
            .take(MAX_HITS)
            .map(|(score, _, e)| SearchHit {
                kind: e.kind,
                id: e.id.clone(),
                name: e.name.clone(),
                name_en: e.name_en.clone(),
                service_id: e.service_id.clone(),
                score: (score * 100.0).round() / 100.0,
            })
            .collect()
    }
}

fn field_service(catalog: &Catalog, field_id: &str) -> Option<String> {
    catalog
        .services
        .iter()
        .find(|s| s.kind == motcua_domain::ServiceKind::Submit && s.fields.iter().any(|f| f == field_id))
        .map(|s| s.id.clone())
}

/// 0..=1: the mean per-term match, a bonus when every term matched and
/// when the whole phrase appears, a small weight for the kind.
fn score(e: &Entry, terms: &[String], phrase: &str) -> f32 {
    let mut sum = 0.0;
    let mut matched = 0;
    for term in terms {
        let best = e
            .words
            .iter()
            .map(|w| {
                if w == term {
                    1.0
                } else if w.starts_with(term.as_str()) {
                    0.5 + 0.3 * (term.len() as f32 / w.len() as f32)
                } else if term.len() >= 3 && w.contains(term.as_str()) {
                    0.3
                } else {
                    0.0
                }
            })
            .fold(0.0f32, f32::max);
        if best > 0.0 {
            matched += 1;
        }
        sum += best;
    }
    if matched == 0 {
        return 0.0;
    }
    let n = terms.len() as f32;
    let mut s = 0.6 * sum / n;
    if matched == terms.len() {
        s += 0.2;
    }
    if terms.len() > 1 && e.texts.iter().any(|t| t.contains(phrase)) {
        s += 0.15;
    }
    s += match e.kind {
        HitKind::Procedure => 0.05,
        HitKind::Field => 0.03,
        HitKind::Agency => 0.0,
    };
    s.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::catalog::{Agency, Center, Field, Procedure};

    fn catalog() -> Catalog {
        let center = Center {
            id: "c".into(),
            name: "Trung tâm".into(),
            name_en: None,
            level: "province".into(),
            parent: None,
            time_zone: "Asia/Ho_Chi_Minh".into(),
            address: String::new(),
            hotline: String::new(),
            website: None,
            priority_streak_limit: 2,
            ticker: None,
            ticker_en: None,
            appointments: Default::default(),
        };
        let procedure = |id: &str, name: &str| Procedure {
            id: id.into(),
            code: None,
            field: "xd".into(),
            name: name.into(),
            name_en: None,
            fee: String::new(),
            fee_vnd: None,
            processing_days: 1,
            submit_at: String::new(),
            legal_basis: String::new(),
            documents: vec![],
        };
        Catalog {
            center,
            agencies: vec![Agency {
                center: "c".into(),
                id: "sxd".into(),
                name: "Sở Xây dựng".into(),
                name_en: Some("Department of Construction".into()),
                on_behalf_of: vec![],
            }],
            fields: vec![Field { id: "xd".into(), agency: "sxd".into(), name: "Hoạt động xây dựng".into(), name_en: None }],
            procedures: vec![
                procedure("gpxd", "Cấp giấy phép xây dựng nhà ở riêng lẻ"),
                procedure("dd", "Đăng ký đất đai lần đầu"),
                procedure("gp", "Cấp giấy phép kinh doanh"),
            ],
            services: vec![],
            counters: vec![],
            priority_categories: vec![],
        }
    }

    #[test]
    fn folding_strips_diacritics_and_d_bar() {
        assert_eq!(fold("Giấy phép Xây dựng"), "giay phep xay dung");
        assert_eq!(fold("ĐĂNG KÝ đất đai"), "dang ky dat dai");
        assert_eq!(fold("Hộ tịch – Chứng thực"), "ho tich   chung thuc");
    }

    #[test]
    fn unaccented_query_finds_the_accented_procedure_first() {
        let index = SearchIndex::new(&catalog());
        let hits = index.search("giay phep xay dung");
        assert_eq!(hits[0].id, "gpxd", "{hits:?}");
        assert_eq!(hits[0].kind, HitKind::Procedure);
        assert!(hits.iter().any(|h| h.id == "gp"));
        assert!(hits[0].score > hits[1].score);
    }

    #[test]
    fn prefixes_and_case_match_and_nonsense_does_not() {
        let index = SearchIndex::new(&catalog());
        assert_eq!(index.search("DAT dai")[0].id, "dd");
        assert_eq!(index.search("xay d")[0].id, "gpxd");
        assert!(index.search("construction").iter().any(|h| h.id == "sxd"));
        assert!(index.search("zzzz").is_empty());
        assert!(index.search("  ").is_empty());
    }
}
