import requests
import hashlib

BASE_URL = "{{BASE_URL}}"
STORE_ID = "{{STORE_ID}}"
TOKEN = "{{TOKEN}}"

headers = {
    'Authorization': f'Bearer {TOKEN}'
}

# 1. Get list of photos
response = requests.get(
    f"{BASE_URL}/api/v1/sync/product-photos/",
    params={'store_id': STORE_ID, 'limit': 100, 'offset': 0},
    headers=headers
)

photos = response.json()['data']['photos']

# 2. Download each photo
for photo in photos:
    photo_id = photo['id']
    expected_checksum = photo['checksum']
    
    # Download binary
    response = requests.get(
        f"{BASE_URL}/api/v1/sync/product-photos/{photo_id}/download/",
        params={'store_id': STORE_ID},
        headers=headers
    )
    
    image_data = response.content
    
    # Verify checksum
    actual_checksum = hashlib.md5(image_data).hexdigest()
    if actual_checksum == expected_checksum:
        print(f"✓ {photo['filename']} - Checksum OK")
        # Save to database...
    else:
        print(f"✗ {photo['filename']} - Checksum mismatch!")
