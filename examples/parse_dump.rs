fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut sm = plancheck::source::SourceMap::new();
    let id = sm.add(path.clone(), &path, text.clone());
    let p = plancheck::syntax::parse_file(id, &text);
    println!("{:#?}", p.ast);
    for d in &p.diagnostics {
        print!("{}", plancheck::diagnostics::render::render(d, &sm, plancheck::diagnostics::Lang::En));
    }
}
