// zxcvbn-ts ships its word lists as modules without type declarations; each is a list of words.
declare module '@zxcvbn-ts/*.json.mjs' {
  const words: string[];
  export default words;
}
