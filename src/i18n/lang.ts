// Which language gpuctl speaks: --lang, else the locale (LC_ALL, LC_MESSAGES, LANG), else English.

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

/** The locale variables in POSIX precedence: the first one set (and not empty) decides. */
const LOCALE_VARIABLES = ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/**
 * zh_CN.UTF-8, zh_CN, zh-Hans, zh_Hans_CN, zh_SG and a bare zh read Simplified Chinese; everything else
 * (zh_TW and zh_HK are Traditional, C and POSIX are no language at all) gets English.
 */
export function langOfLocale(locale: string): Lang {
  const tag = locale.split(/[.@]/)[0]!.replace(/_/g, '-').toLowerCase();
  return /^zh(-hans)?(-(cn|sg))?$/.test(tag) ? 'zh-CN' : 'en';
}

export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = LOCALE_VARIABLES.map((name) => env[name]).find((value) => value);
  return locale ? langOfLocale(locale) : 'en';
}

/** The --lang value when given (commander has checked it is one of LANGS), else the locale's. */
export function resolveLang(option: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  return option === 'en' || option === 'zh-CN' ? option : langFromEnv(env);
}
