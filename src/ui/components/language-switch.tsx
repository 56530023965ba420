/** Language of the UI (English / Bahasa Indonesia), remembered on this terminal. */
import { defineMessages, lang, LANGUAGES, setLang, type Lang } from '../i18n';

const messages = defineMessages({ label: 'Language' }, { label: 'Bahasa' });

/** A select listing each language by its own name. */
export function LanguageSwitch() {
  const m = messages();
  return (
    // Labelled by id, not by wrapping: a wrapping label would add the selected option to the select's name.
    <div class="field">
      <label for="language-select">{m.label}</label>
      <select
        id="language-select"
        value={lang.value}
        onChange={(e) => setLang(e.currentTarget.value as Lang)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.lang} value={l.lang} lang={l.lang}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
