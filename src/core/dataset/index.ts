export * from './types';
export { openDataset, readDataset, type OpenedDataset } from './read';
export { detectRecordFormat, fileFormat, describeFormat, isJsonObject, FORMAT_FIELDS, type JsonObject } from './format';
export { canonicalText, canonicalJson, contentFingerprint } from './canonical';
export { locateValue, syntaxErrorOffset, describeJsonError, type JsonPath, type ValueLocation } from './json-scan';
export { positionInRecord, spanInRecord } from './position';
