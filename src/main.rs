fn main() {
    println!("playbook");
}
