//! The bot's texts in the user's language (Telegram's `language_code`): English, Russian,
//! Spanish and German; anything else falls back to English. Texts are HTML-safe constants;
//! dynamic values are escaped by the caller before they are put in.

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the fallback).
    En,
    /// Russian.
    Ru,
    /// Spanish.
    Es,
    /// German.
    De,
}

impl Lang {
    /// From an IETF tag such as `ru`, `es-MX` or `pt-br`.
    pub fn from_code(code: Option<&str>) -> Self {
        let primary = code
            .unwrap_or("")
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ru" | "uk" | "be" | "kk" => Self::Ru,
            "es" => Self::Es,
            "de" => Self::De,
            _ => Self::En,
        }
    }

    /// The texts of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Ru => &RU,
            Self::Es => &ES,
            Self::De => &DE,
        }
    }
}

/// Every fixed text of the bot in one language.
pub struct Texts {
    /// `/start` (HTML).
    pub start: &'static str,
    /// `/help` (HTML).
    pub help: &'static str,
    /// A message without any VIN.
    pub no_vin: &'static str,
    /// `/decode` without an argument.
    pub decode_usage: &'static str,
    /// The data line after `/start` and `/help`: `{month}` and `{date}` of the loaded vPIC data.
    pub data_line: &'static str,
    /// Labels of the compact card.
    pub make: &'static str,
    /// Model label.
    pub model: &'static str,
    /// Model year label.
    pub year: &'static str,
    /// Trim label.
    pub trim: &'static str,
    /// Body label.
    pub body: &'static str,
    /// Engine label.
    pub engine: &'static str,
    /// Plant label.
    pub plant: &'static str,
    /// Check digit label.
    pub check_digit: &'static str,
    /// Check digit correct.
    pub check_ok: &'static str,
    /// Check digit wrong (followed by the expected digit).
    pub check_bad: &'static str,
    /// Check digit not computed.
    pub check_skipped: &'static str,
    /// Nothing decoded for this VIN.
    pub not_decoded: &'static str,
    /// Heading of repair candidates.
    pub did_you_mean: &'static str,
    /// Button under each card.
    pub all_fields: &'static str,
    /// Heading of the full list.
    pub all_fields_title: &'static str,
    /// After a value that is the vehicle type's default (e.g. "Not Applicable"), not read from the VIN.
    pub default_mark: &'static str,
    /// After a value from the specification of the make and model, not read from the VIN.
    pub spec_mark: &'static str,
    /// Under the full list when a value carries [`Texts::default_mark`]: what it means.
    pub default_legend: &'static str,
    /// Under the full list when a value carries [`Texts::spec_mark`]: what it means.
    pub spec_legend: &'static str,
    /// More VINs than one message handles.
    pub too_many_vins: &'static str,
    /// A document that is too large (followed by the limit in KiB).
    pub file_too_large: &'static str,
    /// A document that is not text.
    pub file_not_text: &'static str,
    /// A text document without VINs.
    pub file_no_vins: &'static str,
    /// The document could not be fetched.
    pub file_failed: &'static str,
    /// Progress of a long file (followed by `done/total`).
    pub file_progress: &'static str,
    /// Caption of the CSV sent back (followed by the count).
    pub file_done: &'static str,
    /// `/stats` without a database.
    pub stats_unavailable: &'static str,
    /// `/stats` asked by someone who is not an admin while the statistics are not public.
    pub stats_admins_only: &'static str,
    /// `/stats` heading (followed by the window).
    pub stats_title: &'static str,
    /// Total decodes label.
    pub stats_total: &'static str,
    /// Clean rate label.
    pub stats_clean: &'static str,
    /// Top makes label.
    pub stats_top_makes: &'static str,
    /// A callback whose VIN is gone or malformed.
    pub callback_stale: &'static str,
    /// Inline mode: the query holds no VIN.
    pub inline_hint: &'static str,
}

static EN: Texts = Texts {
    start: "<b>VIN decoder</b>\nSend me a VIN (17 characters) and I will tell you the make, model, year, engine and plant, check the check digit and suggest corrections for mistyped VINs.\nYou can send several VINs at once, or a .txt/.csv file with one VIN a line.\nIn any chat: <code>@bot VIN</code>.",
    help: "<b>Commands</b>\n/decode VIN: decode one VIN\n/stats: decode statistics\n/help: this message\n\nAny message with VINs is decoded; in groups mention me or reply to me. A text or CSV file of VINs comes back as a CSV of decodes.",
    no_vin: "I found no VIN in that message. A VIN has 17 letters and digits (no I, O or Q).",
    decode_usage: "Usage: <code>/decode VIN</code>",
    data_line: "<i>Data: NHTSA vPIC of {month} ({date}).</i>",
    make: "Make",
    model: "Model",
    year: "Year",
    trim: "Trim",
    body: "Body",
    engine: "Engine",
    plant: "Plant",
    check_digit: "Check digit",
    check_ok: "valid",
    check_bad: "invalid, expected",
    check_skipped: "not checked",
    not_decoded: "Could not decode",
    did_you_mean: "Did you mean",
    all_fields: "All fields",
    all_fields_title: "All fields of",
    default_mark: "(default)",
    spec_mark: "(model spec)",
    default_legend: "default for this vehicle type, not read from the VIN",
    spec_legend: "from the specification of the make and model, not read from the VIN",
    too_many_vins: "Only the first VINs of this message were decoded; send a file for long lists.",
    file_too_large: "The file is too large. Limit (KiB):",
    file_not_text: "Send a text or CSV file with one VIN a line.",
    file_no_vins: "I found no VIN in that file.",
    file_failed: "I could not download that file. Please try again.",
    file_progress: "Decoding…",
    file_done: "Decoded VINs:",
    stats_unavailable: "Statistics are not available right now.",
    stats_admins_only: "Statistics are for the administrators of this bot.",
    stats_title: "Decodes, last days:",
    stats_total: "Total",
    stats_clean: "Clean",
    stats_top_makes: "Top makes",
    callback_stale: "This button has expired. Send the VIN again.",
    inline_hint: "Type a 17-character VIN",
};

static RU: Texts = Texts {
    start: "<b>Расшифровка VIN</b>\nПришлите VIN (17 символов), и я назову марку, модель, год, двигатель и завод, проверю контрольную цифру и предложу исправления, если VIN набран с ошибкой.\nМожно прислать несколько VIN сразу или файл .txt/.csv по одному VIN в строке.\nВ любом чате: <code>@bot VIN</code>.",
    help: "<b>Команды</b>\n/decode VIN: расшифровать VIN\n/stats: статистика\n/help: эта справка\n\nЛюбое сообщение с VIN расшифровывается; в группах упомяните меня или ответьте мне. Текстовый или CSV-файл с VIN возвращается CSV-файлом с результатами.",
    no_vin: "В сообщении нет VIN. VIN состоит из 17 букв и цифр (без I, O и Q).",
    decode_usage: "Использование: <code>/decode VIN</code>",
    data_line: "<i>Данные: NHTSA vPIC за {month} ({date}).</i>",
    make: "Марка",
    model: "Модель",
    year: "Год",
    trim: "Комплектация",
    body: "Кузов",
    engine: "Двигатель",
    plant: "Завод",
    check_digit: "Контрольная цифра",
    check_ok: "верна",
    check_bad: "неверна, ожидалась",
    check_skipped: "не проверялась",
    not_decoded: "Не удалось расшифровать",
    did_you_mean: "Возможно, вы имели в виду",
    all_fields: "Все поля",
    all_fields_title: "Все поля",
    default_mark: "(по умолчанию)",
    spec_mark: "(по спецификации модели)",
    default_legend: "значение по умолчанию для этого типа ТС, не из VIN",
    spec_legend: "из спецификации марки и модели, не из VIN",
    too_many_vins: "Расшифрованы только первые VIN этого сообщения; длинные списки присылайте файлом.",
    file_too_large: "Файл слишком большой. Предел (КиБ):",
    file_not_text: "Пришлите текстовый или CSV-файл по одному VIN в строке.",
    file_no_vins: "В файле нет VIN.",
    file_failed: "Не удалось загрузить файл. Попробуйте ещё раз.",
    file_progress: "Расшифровываю…",
    file_done: "Расшифровано VIN:",
    stats_unavailable: "Статистика сейчас недоступна.",
    stats_admins_only: "Статистика доступна только администраторам этого бота.",
    stats_title: "Расшифровки за последние дни:",
    stats_total: "Всего",
    stats_clean: "Без ошибок",
    stats_top_makes: "Популярные марки",
    callback_stale: "Кнопка устарела. Пришлите VIN ещё раз.",
    inline_hint: "Введите VIN из 17 символов",
};

static ES: Texts = Texts {
    start: "<b>Decodificador de VIN</b>\nEnvíame un VIN (17 caracteres) y te diré la marca, el modelo, el año, el motor y la planta, comprobaré el dígito de control y sugeriré correcciones si está mal escrito.\nPuedes enviar varios VIN a la vez, o un archivo .txt/.csv con un VIN por línea.\nEn cualquier chat: <code>@bot VIN</code>.",
    help: "<b>Comandos</b>\n/decode VIN: decodificar un VIN\n/stats: estadísticas\n/help: este mensaje\n\nCualquier mensaje con VIN se decodifica; en grupos mencióname o respóndeme. Un archivo de texto o CSV con VIN vuelve como un CSV con los resultados.",
    no_vin: "No encontré ningún VIN en ese mensaje. Un VIN tiene 17 letras y dígitos (sin I, O ni Q).",
    decode_usage: "Uso: <code>/decode VIN</code>",
    data_line: "<i>Datos: NHTSA vPIC de {month} ({date}).</i>",
    make: "Marca",
    model: "Modelo",
    year: "Año",
    trim: "Versión",
    body: "Carrocería",
    engine: "Motor",
    plant: "Planta",
    check_digit: "Dígito de control",
    check_ok: "válido",
    check_bad: "inválido, se esperaba",
    check_skipped: "no comprobado",
    not_decoded: "No se pudo decodificar",
    did_you_mean: "Quizás quisiste decir",
    all_fields: "Todos los campos",
    all_fields_title: "Todos los campos de",
    default_mark: "(predeterminado)",
    spec_mark: "(especificación del modelo)",
    default_legend: "valor predeterminado para este tipo de vehículo, no leído del VIN",
    spec_legend: "de la especificación de la marca y el modelo, no leído del VIN",
    too_many_vins: "Solo se decodificaron los primeros VIN de este mensaje; envía un archivo para listas largas.",
    file_too_large: "El archivo es demasiado grande. Límite (KiB):",
    file_not_text: "Envía un archivo de texto o CSV con un VIN por línea.",
    file_no_vins: "No encontré ningún VIN en ese archivo.",
    file_failed: "No pude descargar ese archivo. Inténtalo de nuevo.",
    file_progress: "Decodificando…",
    file_done: "VIN decodificados:",
    stats_unavailable: "Las estadísticas no están disponibles ahora.",
    stats_admins_only: "Las estadísticas son solo para los administradores de este bot.",
    stats_title: "Decodificaciones, últimos días:",
    stats_total: "Total",
    stats_clean: "Sin errores",
    stats_top_makes: "Marcas principales",
    callback_stale: "Este botón ha caducado. Envía el VIN de nuevo.",
    inline_hint: "Escribe un VIN de 17 caracteres",
};

static DE: Texts = Texts {
    start: "<b>VIN-Decoder</b>\nSchick mir eine VIN (17 Zeichen), und ich nenne Marke, Modell, Baujahr, Motor und Werk, prüfe die Prüfziffer und schlage Korrekturen für vertippte VINs vor.\nDu kannst mehrere VINs auf einmal schicken oder eine .txt/.csv-Datei mit einer VIN pro Zeile.\nIn jedem Chat: <code>@bot VIN</code>.",
    help: "<b>Befehle</b>\n/decode VIN: eine VIN dekodieren\n/stats: Statistik\n/help: diese Hilfe\n\nJede Nachricht mit VINs wird dekodiert; in Gruppen erwähne mich oder antworte mir. Eine Text- oder CSV-Datei mit VINs kommt als CSV mit den Ergebnissen zurück.",
    no_vin: "In dieser Nachricht ist keine VIN. Eine VIN hat 17 Buchstaben und Ziffern (ohne I, O und Q).",
    decode_usage: "Verwendung: <code>/decode VIN</code>",
    data_line: "<i>Daten: NHTSA vPIC vom {month} ({date}).</i>",
    make: "Marke",
    model: "Modell",
    year: "Baujahr",
    trim: "Ausstattung",
    body: "Karosserie",
    engine: "Motor",
    plant: "Werk",
    check_digit: "Prüfziffer",
    check_ok: "gültig",
    check_bad: "ungültig, erwartet",
    check_skipped: "nicht geprüft",
    not_decoded: "Nicht dekodierbar",
    did_you_mean: "Meintest du",
    all_fields: "Alle Felder",
    all_fields_title: "Alle Felder von",
    default_mark: "(Standardwert)",
    spec_mark: "(Modellangabe)",
    default_legend: "Standardwert für diesen Fahrzeugtyp, nicht aus der VIN gelesen",
    spec_legend: "aus den Angaben zu Marke und Modell, nicht aus der VIN gelesen",
    too_many_vins: "Nur die ersten VINs dieser Nachricht wurden dekodiert; schicke lange Listen als Datei.",
    file_too_large: "Die Datei ist zu groß. Grenze (KiB):",
    file_not_text: "Schicke eine Text- oder CSV-Datei mit einer VIN pro Zeile.",
    file_no_vins: "In der Datei ist keine VIN.",
    file_failed: "Die Datei konnte nicht geladen werden. Bitte versuche es erneut.",
    file_progress: "Dekodiere…",
    file_done: "Dekodierte VINs:",
    stats_unavailable: "Die Statistik ist gerade nicht verfügbar.",
    stats_admins_only: "Die Statistik ist den Administratoren dieses Bots vorbehalten.",
    stats_title: "Dekodierungen, letzte Tage:",
    stats_total: "Gesamt",
    stats_clean: "Fehlerfrei",
    stats_top_makes: "Häufigste Marken",
    callback_stale: "Diese Schaltfläche ist abgelaufen. Schicke die VIN erneut.",
    inline_hint: "Gib eine 17-stellige VIN ein",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_language_from_the_code() {
        assert_eq!(Lang::from_code(Some("ru")), Lang::Ru);
        assert_eq!(Lang::from_code(Some("es-MX")), Lang::Es);
        assert_eq!(Lang::from_code(Some("de")), Lang::De);
        assert_eq!(Lang::from_code(Some("fr")), Lang::En);
        assert_eq!(Lang::from_code(None), Lang::En);
    }
}
