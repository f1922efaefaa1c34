// Case page: the diagram of the case's process version, current step highlighted.
// (Filled in by the designer work; this entry keeps the bundle list stable.)
export {};
