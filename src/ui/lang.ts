/** The UI's languages (a type of its own, so message tables can be checked in Node without the DOM). */
export type Lang = 'en' | 'id';
