//! Texts of the account features (history, garage, Save button, `/forget`) in the bot's four
//! languages. HTML-safe constants; dynamic values are escaped by the caller.

use super::i18n::Lang;

/// The account texts of one language.
pub struct AccountTexts {
    /// Appended to `/help`.
    pub help: &'static str,
    /// The button under each card.
    pub save: &'static str,
    /// Answer to the Save button.
    pub saved: &'static str,
    /// Answer to the Save button when the VIN is already in the garage.
    pub already_saved: &'static str,
    /// The garage is full.
    pub garage_full: &'static str,
    /// `/history` heading.
    pub history_title: &'static str,
    /// `/history` without entries.
    pub history_empty: &'static str,
    /// `/garage` heading.
    pub garage_title: &'static str,
    /// `/garage` without vehicles.
    pub garage_empty: &'static str,
    /// Account commands in a group.
    pub private_only: &'static str,
    /// The `/forget` question.
    pub forget_confirm: &'static str,
    /// The confirming button.
    pub forget_yes: &'static str,
    /// The cancelling button.
    pub forget_no: &'static str,
    /// After erasing (followed by the counts).
    pub forgotten: &'static str,
    /// After cancelling.
    pub forget_cancelled: &'static str,
    /// A confirmation older than allowed, or somebody else's.
    pub forget_stale: &'static str,
    /// The database is unavailable.
    pub unavailable: &'static str,
}

impl Lang {
    /// The account texts of this language.
    pub fn account(self) -> &'static AccountTexts {
        match self {
            Self::En => &EN,
            Self::Ru => &RU,
            Self::Es => &ES,
            Self::De => &DE,
        }
    }
}

static EN: AccountTexts = AccountTexts {
    help: "\n\n<b>Your data</b>\n/history: your last decodes\n/garage: your saved vehicles (press “Save” under a decode)\n/forget: delete your history, vehicles and sessions",
    save: "Save",
    saved: "Saved to your garage.",
    already_saved: "Already in your garage.",
    garage_full: "Your garage is full: delete a vehicle on the web page first.",
    history_title: "Your last decodes",
    history_empty: "You have no decodes yet. Send me a VIN.",
    garage_title: "Your garage",
    garage_empty: "Your garage is empty: press “Save” under a decode.",
    private_only: "Use this command in a private chat with me.",
    forget_confirm: "This deletes your decode history (it stays in the statistics without your id and with only 11 VIN characters), your saved vehicles and your web sessions. Continue?",
    forget_yes: "Yes, delete",
    forget_no: "Cancel",
    forgotten: "Done. Removed from your data:",
    forget_cancelled: "Nothing was deleted.",
    forget_stale: "This confirmation has expired. Send /forget again.",
    unavailable: "Your data is not available right now. Please try again later.",
};

static RU: AccountTexts = AccountTexts {
    help: "\n\n<b>Ваши данные</b>\n/history: последние расшифровки\n/garage: сохранённые автомобили (кнопка «Сохранить» под расшифровкой)\n/forget: удалить историю, автомобили и сеансы",
    save: "Сохранить",
    saved: "Сохранено в гараж.",
    already_saved: "Уже в вашем гараже.",
    garage_full: "Гараж заполнен: сначала удалите автомобиль на сайте.",
    history_title: "Ваши последние расшифровки",
    history_empty: "Расшифровок пока нет. Пришлите VIN.",
    garage_title: "Ваш гараж",
    garage_empty: "Гараж пуст: нажмите «Сохранить» под расшифровкой.",
    private_only: "Используйте эту команду в личном чате со мной.",
    forget_confirm: "Будут удалены история расшифровок (в статистике она останется без вашего id и только с 11 символами VIN), сохранённые автомобили и сеансы на сайте. Продолжить?",
    forget_yes: "Да, удалить",
    forget_no: "Отмена",
    forgotten: "Готово. Удалено из ваших данных:",
    forget_cancelled: "Ничего не удалено.",
    forget_stale: "Подтверждение устарело. Отправьте /forget ещё раз.",
    unavailable: "Ваши данные сейчас недоступны. Попробуйте позже.",
};

static ES: AccountTexts = AccountTexts {
    help: "\n\n<b>Tus datos</b>\n/history: tus últimas decodificaciones\n/garage: tus vehículos guardados (pulsa «Guardar» bajo una decodificación)\n/forget: borrar tu historial, vehículos y sesiones",
    save: "Guardar",
    saved: "Guardado en tu garaje.",
    already_saved: "Ya está en tu garaje.",
    garage_full: "Tu garaje está lleno: borra primero un vehículo en la web.",
    history_title: "Tus últimas decodificaciones",
    history_empty: "Aún no tienes decodificaciones. Envíame un VIN.",
    garage_title: "Tu garaje",
    garage_empty: "Tu garaje está vacío: pulsa «Guardar» bajo una decodificación.",
    private_only: "Usa este comando en un chat privado conmigo.",
    forget_confirm: "Se borrarán tu historial (queda en las estadísticas sin tu id y con solo 11 caracteres del VIN), tus vehículos guardados y tus sesiones web. ¿Continuar?",
    forget_yes: "Sí, borrar",
    forget_no: "Cancelar",
    forgotten: "Hecho. Eliminado de tus datos:",
    forget_cancelled: "No se borró nada.",
    forget_stale: "Esta confirmación ha caducado. Envía /forget de nuevo.",
    unavailable: "Tus datos no están disponibles ahora. Inténtalo más tarde.",
};

static DE: AccountTexts = AccountTexts {
    help: "\n\n<b>Deine Daten</b>\n/history: deine letzten Abfragen\n/garage: deine gespeicherten Fahrzeuge („Speichern“ unter einer Abfrage)\n/forget: Verlauf, Fahrzeuge und Sitzungen löschen",
    save: "Speichern",
    saved: "In deiner Garage gespeichert.",
    already_saved: "Schon in deiner Garage.",
    garage_full: "Deine Garage ist voll: lösche zuerst ein Fahrzeug auf der Webseite.",
    history_title: "Deine letzten Abfragen",
    history_empty: "Noch keine Abfragen. Schick mir eine VIN.",
    garage_title: "Deine Garage",
    garage_empty: "Deine Garage ist leer: tippe „Speichern“ unter einer Abfrage.",
    private_only: "Nutze diesen Befehl im privaten Chat mit mir.",
    forget_confirm: "Gelöscht werden dein Verlauf (er bleibt in der Statistik ohne deine ID und mit nur 11 VIN-Zeichen), deine gespeicherten Fahrzeuge und deine Web-Sitzungen. Fortfahren?",
    forget_yes: "Ja, löschen",
    forget_no: "Abbrechen",
    forgotten: "Erledigt. Aus deinen Daten entfernt:",
    forget_cancelled: "Nichts wurde gelöscht.",
    forget_stale: "Diese Bestätigung ist abgelaufen. Sende /forget erneut.",
    unavailable: "Deine Daten sind gerade nicht verfügbar. Versuche es später.",
};
